package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// runnerClaims records, for one provider process (one plan or apply), every
// runner id a gitlabci_runner instance created or adopted, so that a create
// whose answer was lost never adopts a runner another instance owns.
//
// Creates are grouped by the request's identity (runnerCreateKey: what the
// lost-runner lookup compares). Within a group, POSTs run concurrently under
// the read side of the group's lock and claim their runner before releasing
// it; a lookup after a lost answer takes the write side, so when it runs no
// POST of the group is in flight and every runner this process knows of is
// claimed. The unclaimed candidates are then runners created by lost creates
// still waiting for their lookup (counted in pending, which includes the
// lookup's own create) or by someone else. Those candidates are
// interchangeable (they match the whole request and nobody has their token),
// so the rule is:
//
//   - no unclaimed candidate: the POST was not applied, send it again;
//   - at most as many unclaimed candidates as pending lost creates: claim the
//     lowest id (a lost create that was not applied takes the runner of one
//     that was, which then finds nothing and sends its POST again: every
//     instance ends with one runner and none is left behind);
//   - more candidates than pending lost creates: some were created outside
//     this process (a parallel apply, the UI) and which is whose cannot be
//     told, so the create fails listing them ("several candidates").
type runnerClaims struct {
	mu      sync.Mutex
	claimed map[int64]bool
	groups  map[string]*runnerCreateGroup
}

type runnerCreateGroup struct {
	rw      sync.RWMutex
	pending int // guarded by runnerClaims.mu
}

func newRunnerClaims() *runnerClaims {
	return &runnerClaims{claimed: map[int64]bool{}, groups: map[string]*runnerCreateGroup{}}
}

// group returns the create group of opts, creating it on first use.
func (c *runnerClaims) group(opts gitlab.CreateUserRunnerOptions) *runnerCreateGroup {
	key := runnerCreateKey(opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.groups[key]
	if g == nil {
		g = &runnerCreateGroup{}
		c.groups[key] = g
	}
	return g
}

// claim records id as owned by one resource instance; false when another
// instance owns it already.
func (c *runnerClaims) claim(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed[id] {
		return false
	}
	c.claimed[id] = true
	return true
}

func (c *runnerClaims) isClaimed(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed[id]
}

// addPending counts a lost create of g waiting for its lookup; call it
// before releasing the read side of g's lock.
func (c *runnerClaims) addPending(g *runnerCreateGroup, n int) {
	c.mu.Lock()
	g.pending += n
	c.mu.Unlock()
}

func (c *runnerClaims) pending(g *runnerCreateGroup) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return g.pending
}

// runnerCreateKey is what runnerMatchesCreateRequest compares: type, owner,
// description and tag set.
func runnerCreateKey(opts gitlab.CreateUserRunnerOptions) string {
	var tags []string
	if opts.TagList != nil {
		tags = slices.Clone(*opts.TagList)
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	return strings.Join([]string{
		opts.RunnerType,
		strconv.FormatInt(runnerDeref(opts.GroupID), 10),
		strconv.FormatInt(runnerDeref(opts.ProjectID), 10),
		strconv.Quote(runnerDeref(opts.Description)),
		strconv.Quote(strings.Join(tags, "\x00")),
	}, "|")
}

// runnerClaimsOf returns the process's claims; ProviderData built by hand
// (unit tests) gets its own on first use.
func (pd *ProviderData) runnerClaims() *runnerClaims {
	pd.claimsOnce.Do(func() {
		if pd.claims == nil {
			pd.claims = newRunnerClaims()
		}
	})
	return pd.claims
}

// retries is the provider's `retries`: how often the provider itself sends
// a request again after proving it safe (the client's retries cover what it
// can prove by itself).
func (pd *ProviderData) retries() int {
	return max(pd.Retries, 0)
}

// retryWait waits before the provider's own retry number attempt (0-based),
// doubling from the client's minimum wait up to its maximum with jitter, so
// parallel resources that failed together do not retry together. It returns
// the context's error when Terraform cancels the wait.
func retryWait(ctx context.Context, attempt int) error {
	d := gitlab.DefaultRetryWaitMin
	for i := 0; i < attempt && d < gitlab.DefaultRetryWaitMax; i++ {
		d *= 2
	}
	d = min(d, gitlab.DefaultRetryWaitMax)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// repeatWhileOutcomeUnknown runs a POST that is safe to repeat (resetting a
// token by id: the last reset's token is the one that works) and sends it
// again, within the provider's retries, while its answer is lost.
func repeatWhileOutcomeUnknown[T any](ctx context.Context, pd *ProviderData, what string, call func() (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		out, err := call()
		if err == nil || !gitlab.IsOutcomeUnknown(err) || attempt >= pd.retries() {
			return out, err
		}
		tflog.Warn(ctx, what+": answer lost; the request is safe to repeat, sending it again",
			map[string]any{"attempt": attempt + 1, "error": err.Error()})
		if werr := retryWait(ctx, attempt); werr != nil {
			return out, fmt.Errorf("%w (waiting to retry: %w)", err, werr)
		}
	}
}
