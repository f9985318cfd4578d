package gitlab_test

// Answers a client must never take for data: a 200 whose body is null, empty
// or the wrong JSON shape, a proxy's HTML 404, pagination headers that lie,
// Retry-After asking for an hour, and bodies that stall. The simulator's
// broken-answer faults produce each of them deterministically.

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

type garbageEnv struct {
	srv *gitlabsim.Server
	c   *gitlab.Client
}

func newGarbageEnv(t *testing.T, tweak func(*gitlab.Config), opts ...func(*gitlabsim.Options)) *garbageEnv {
	t.Helper()
	var o gitlabsim.Options
	for _, f := range opts {
		f(&o)
	}
	srv, err := gitlabsim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := gitlab.Config{
		BaseURL: srv.URL, Token: srv.AdminToken, Retries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := gitlab.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &garbageEnv{srv: srv, c: c}
}

func (e *garbageEnv) seed(t *testing.T, n int) []int64 {
	t.Helper()
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type"}, n)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func (e *garbageEnv) requests(route string) int64 { return e.srv.Stats().ByRoute[route] }

const routeAllRunners = "GET /api/v4/runners/all"

// wantErrNaming fails unless err is an error that names the endpoint.
func wantErrNaming(t *testing.T, err error, endpoint string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %s", endpoint)
	}
	if !strings.Contains(err.Error(), endpoint) {
		t.Fatalf("error %q does not name %s", err, endpoint)
	}
}

// ---- point 4: a 2xx that is not the endpoint's JSON shape is an error ----

func TestGarbageRunnerBodyIsError(t *testing.T) {
	for _, kind := range []gitlabsim.FaultKind{gitlabsim.FaultNullBody, gitlabsim.FaultEmptyBody, gitlabsim.FaultWrongShape, gitlabsim.FaultTruncatedJSON, gitlabsim.FaultStringID} {
		t.Run(string(kind), func(t *testing.T) {
			e := newGarbageEnv(t, nil)
			id := e.seed(t, 1)[0]
			path := "/api/v4/runners/" + strconv.FormatInt(id, 10)
			e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: path, Kind: kind, Every: 1})
			r, err := e.c.GetRunner(t.Context(), id)
			if err == nil {
				t.Fatalf("GET %s answered %s: got runner %+v, want an error", path, kind, r)
			}
			wantErrNaming(t, err, "/runners/"+strconv.FormatInt(id, 10))
		})
	}
}

func TestGarbageNullFirstPageIsError(t *testing.T) {
	e := newGarbageEnv(t, nil)
	e.seed(t, 150)
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultNullBody})
	rs, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
	if err == nil {
		t.Fatalf("a null page 1 was taken for an empty page: %d runners of 150", len(rs))
	}
	wantErrNaming(t, err, "/runners/all")
}

func TestGarbageListObjectIsError(t *testing.T) {
	e := newGarbageEnv(t, nil)
	e.seed(t, 3)
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultWrongShape})
	_, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
	wantErrNaming(t, err, "/runners/all")
}

func TestGarbageNullManagerIsError(t *testing.T) {
	e := newGarbageEnv(t, nil)
	id := e.seed(t, 1)[0]
	if _, err := e.srv.AddManager(id, gitlabsim.ManagerSeed{SystemID: "s_0123456789ab"}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v4/runners/" + strconv.FormatInt(id, 10) + "/managers"
	e.srv.InjectFault(gitlabsim.FaultRule{Path: path, Kind: gitlabsim.FaultNullItems})
	ms, err := e.c.ListRunnerManagers(t.Context(), id)
	if err == nil {
		t.Fatalf("[null] managers were taken for data: %+v", ms)
	}
	wantErrNaming(t, err, "/managers")
}

// ---- point 3 (client side): an undecodable 2xx create is an unknown outcome ----

func TestGarbageCreateAnswerIsOutcomeUnknown(t *testing.T) {
	for _, kind := range []gitlabsim.FaultKind{gitlabsim.FaultTruncatedJSON, gitlabsim.FaultNullBody, gitlabsim.FaultEmptyBody, gitlabsim.FaultStringID} {
		t.Run(string(kind), func(t *testing.T) {
			e := newGarbageEnv(t, nil)
			e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: kind})
			cr, err := e.c.CreateUserRunner(t.Context(), gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance})
			if err == nil {
				t.Fatalf("a %s 201 was taken for a created runner: %+v (GitLab gave no id)", kind, cr)
			}
			if !gitlab.IsOutcomeUnknown(err) {
				t.Fatalf("a %s 201 is an unknown outcome (the runner was created), got %v", kind, err)
			}
			wantErrNaming(t, err, "POST /user/runners")
		})
	}
}

// ---- point 5: only GitLab's own 404 means "gone" ----

func TestGarbageHTML404IsNotNotFound(t *testing.T) {
	e := newGarbageEnv(t, nil)
	id := e.seed(t, 1)[0]
	path := "/api/v4/runners/" + strconv.FormatInt(id, 10)
	e.srv.InjectFault(gitlabsim.FaultRule{Path: path, Kind: gitlabsim.FaultHTML404, Every: 1})
	_, err := e.c.GetRunner(t.Context(), id)
	if err == nil || gitlab.IsNotFound(err) {
		t.Fatalf("GET: a proxy's HTML 404 must not mean the runner is gone: %v", err)
	}
	if !regexp.MustCompile(`(?i)html`).MatchString(err.Error()) {
		t.Fatalf("GET: the error should say what came back (an HTML page): %v", err)
	}
	err = e.c.DeleteRunner(t.Context(), id)
	if err == nil || gitlab.IsNotFound(err) {
		t.Fatalf("DELETE: a proxy's HTML 404 is neither success nor gone: %v", err)
	}
	e.srv.ClearFaults()
	if _, err := e.c.GetRunner(t.Context(), id); err != nil {
		t.Fatalf("the runner is still there: %v", err)
	}
}

func TestGarbageGitLab404IsNotFound(t *testing.T) {
	e := newGarbageEnv(t, nil)
	_, err := e.c.GetRunner(t.Context(), 999999)
	if !gitlab.IsNotFound(err) {
		t.Fatalf(`{"message":"404 Runner Not Found"} is GitLab's own 404: %v`, err)
	}
}

// ---- point 6: pagination terminates and is complete ----

func TestGarbagePaginationStopsOnEmptyPage(t *testing.T) {
	e := newGarbageEnv(t, nil)
	e.seed(t, 250)
	// X-Next-Page always points one further and no totals are sent, for up
	// to 50 pages: a client that follows it reads 50 empty pages.
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultPagination,
		Pagination: gitlabsim.PaginationNextPastEnd, DropHeaders: []string{"X-Total", "X-Total-Pages"}, Every: 1, Count: 50})
	rs, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 250 {
		t.Fatalf("%d runners, want 250", len(rs))
	}
	if n := e.requests(routeAllRunners); n > 4 {
		t.Fatalf("%d page requests for 3 pages: an empty page must end the listing", n)
	}
}

func TestGarbagePaginationInflatedTotalPages(t *testing.T) {
	e := newGarbageEnv(t, nil)
	e.seed(t, 250)
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultPagination,
		Pagination: gitlabsim.PaginationTotalPagesInflated, Every: 1})
	rs, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 250 {
		t.Fatalf("%d runners, want 250", len(rs))
	}
	if n := e.requests(routeAllRunners); n > 3 {
		t.Fatalf("%d page requests: X-Total 250 and per_page 100 allow 3 pages, not X-Total-Pages 1000", n)
	}
}

func TestGarbagePaginationMissingOrMalformedHeaders(t *testing.T) {
	for _, mode := range []string{gitlabsim.PaginationMissing, gitlabsim.PaginationMalformed} {
		t.Run(mode, func(t *testing.T) {
			e := newGarbageEnv(t, nil)
			e.seed(t, 250)
			e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultPagination, Pagination: mode, Every: 1})
			rs, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 250 {
				t.Fatalf("%d runners, want 250: keep reading while pages come back full", len(rs))
			}
			seen := map[int64]bool{}
			for _, r := range rs {
				if seen[r.ID] {
					t.Fatalf("runner %d listed twice", r.ID)
				}
				seen[r.ID] = true
			}
		})
	}
}

func TestGarbagePaginationPageCap(t *testing.T) {
	e := newGarbageEnv(t, func(c *gitlab.Config) { c.MaxPages = 50 })
	e.seed(t, 100)
	// Page 1 for every page asked, X-Next-Page always one more: only a cap
	// on the pages of one listing ends it. The rule stops after 1500 pages
	// so that a client without a cap still ends (with duplicates).
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultPagination,
		Pagination: gitlabsim.PaginationRepeatFirstPage, Every: 1, Count: 1500})
	rs, err := e.c.ListAllRunners(t.Context(), gitlab.ListRunnersOptions{})
	if err == nil {
		t.Fatalf("a listing that never ends returned %d runners after %d pages; want a page-cap error", len(rs), e.requests(routeAllRunners))
	}
	wantErrNaming(t, err, "/runners/all")
	if !regexp.MustCompile(`(?i)pages?`).MatchString(err.Error()) {
		t.Fatalf("the error should say the page cap was reached: %v", err)
	}
	if n := e.requests(routeAllRunners); n >= 1500 {
		t.Fatalf("%d pages requested before giving up", n)
	}
}

// ---- point 7: waiting is bounded ----

// safetyBound cancels ctx if the client is still waiting long after it
// should have answered; the expected answer comes in milliseconds, so the
// bound is not a timing assertion, only a guard against sleeping for an hour.
func safetyBound(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	timer := time.AfterFunc(10*time.Second, cancel)
	t.Cleanup(func() { timer.Stop(); cancel() })
	return ctx
}

func TestGarbageLongRetryAfterFailsAtOnce(t *testing.T) {
	for _, kind := range []gitlabsim.FaultKind{gitlabsim.FaultRateLimit, gitlabsim.FaultError503} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			e := newGarbageEnv(t, func(c *gitlab.Config) { c.MaxRetryWait = 120 * time.Second })
			e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: kind, RetryAfter: 3600})
			ctx := safetyBound(t)
			_, err := e.c.ListAllRunners(ctx, gitlab.ListRunnersOptions{})
			if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
				t.Fatalf("Retry-After 3600 above the 120 s maximum must fail at once, got %v", err)
			}
			if n := e.requests(routeAllRunners); n != 1 {
				t.Fatalf("%d requests, want 1 (no retry after an hour-long Retry-After)", n)
			}
			// GitLab's words ("Retry later" of Rack::Attack, the 503 page) and
			// the wait it asked for.
			if !regexp.MustCompile(`(?i)retry.after.*(3600|1h)`).MatchString(err.Error()) || !regexp.MustCompile(`429|503`).MatchString(err.Error()) {
				t.Fatalf("the error should quote GitLab's answer and its Retry-After: %v", err)
			}
		})
	}
}

func TestGarbageLongRetryAfterOnCreateFailsAtOnce(t *testing.T) {
	e := newGarbageEnv(t, func(c *gitlab.Config) { c.MaxRetryWait = 120 * time.Second })
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultRateLimit, RetryAfter: 3600})
	ctx := safetyBound(t)
	_, err := e.c.CreateUserRunner(ctx, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance})
	if err == nil || ctx.Err() != nil || gitlab.IsOutcomeUnknown(err) {
		t.Fatalf("a 429 with Retry-After 3600 fails at once, and nothing was created: %v", err)
	}
	if gitlab.StatusCode(err) != 429 {
		t.Fatalf("status %d, want 429: %v", gitlab.StatusCode(err), err)
	}
}

func TestGarbageStalledBodyIsCutByReadTimeout(t *testing.T) {
	e := newGarbageEnv(t, func(c *gitlab.Config) { c.RequestTimeout = 300 * time.Millisecond; c.Retries = 0 })
	id := e.seed(t, 1)[0]
	path := "/api/v4/runners/" + strconv.FormatInt(id, 10)
	// The stall lasts until the client disconnects (bound: 10 minutes).
	e.srv.InjectFault(gitlabsim.FaultRule{Path: path, Kind: gitlabsim.FaultStallBody})
	ctx := safetyBound(t)
	_, err := e.c.GetRunner(ctx, id)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("a stalled body must be cut by the read timeout: %v", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout error, got %T %v", err, err)
	}
	wantErrNaming(t, err, "/runners/"+strconv.FormatInt(id, 10))
}

func TestGarbageStalledCreateIsOutcomeUnknown(t *testing.T) {
	e := newGarbageEnv(t, func(c *gitlab.Config) { c.RequestTimeout = 300 * time.Millisecond })
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultStallBody})
	ctx := safetyBound(t)
	_, err := e.c.CreateUserRunner(ctx, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance})
	if ctx.Err() != nil || !gitlab.IsOutcomeUnknown(err) {
		t.Fatalf("a 201 whose body stalled is an unknown outcome: %v", err)
	}
}

func TestGarbageCancelDuringStall(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Cancel (Ctrl-C) exactly when the simulator starts stalling the body.
	e := newGarbageEnv(t, func(c *gitlab.Config) { c.RequestTimeout = -1 }, func(o *gitlabsim.Options) {
		o.Logf = func(format string, args ...any) {
			for _, a := range args {
				if a == gitlabsim.FaultStallBody {
					cancel()
				}
			}
		}
	})
	e.seed(t, 3)
	e.srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/all", Kind: gitlabsim.FaultStallBody})
	bound := safetyBound(t)
	go func() { <-bound.Done(); cancel() }()
	_, err := e.c.ListAllRunners(ctx, gitlab.ListRunnersOptions{})
	if bound.Err() != nil {
		t.Fatalf("cancellation was not honoured during a stalled body: %v", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}
