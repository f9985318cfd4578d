package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// When GitLab's answer to POST /user/runners is lost (timeout, dropped
// connection, 5xx, a 2xx that cannot be decoded), the runner may or may not
// exist. Sending the request again could create a second runner nobody has
// the token of, so instead the provider looks for the runner that request
// created: same type, scope, description and tags, created by the same user
// after the request started, never contacted (nobody has its token), and not
// created or adopted by another resource instance of this provider process
// (runner_claims.go decides between several such candidates). A candidate is
// adopted with a fresh token; none means the request was not applied, and it
// is sent again within the provider's retries; candidates created outside
// this process that cannot be told apart are reported with their ids so the
// user can decide.

// runnerAdoptClockSkew widens the "created after the request started" window:
// created_at comes from GitLab's clock, the start time from ours.
const runnerAdoptClockSkew = 5 * time.Minute

// recoverLostRunner handles a create whose outcome is unknown; the caller
// counted it as pending in group. It returns the adopted runner (with a
// token that works, or tainted by an error in diags when the token reset
// failed), or nil and whether the POST was proved not applied and may be
// sent again (attempt is the 0-based number of the POST that was lost);
// otherwise the error is in diags.
func (r *runnerResource) recoverLostRunner(ctx context.Context, opts gitlab.CreateUserRunnerOptions, group *runnerCreateGroup,
	started time.Time, cause error, attempt int, diags *diag.Diagnostics) (*gitlab.CreatedRunner, bool) {
	tflog.Warn(ctx, "outcome of POST /user/runners unknown; looking for the runner it may have created",
		map[string]any{"runner_type": opts.RunnerType, "error": cause.Error()})
	client := r.data.Client
	claims := r.data.runnerClaims()

	// The write side waits for every POST of the group in flight: once
	// held, all runners this process created are claimed.
	group.rw.Lock()
	candidates, err := findLostRunners(ctx, client, opts, started, claims.isClaimed)
	pending := claims.pending(group)
	var id int64
	if err == nil && len(candidates) > 0 && len(candidates) <= pending {
		id = candidates[0].ID
		claims.claim(id)
	}
	claims.addPending(group, -1)
	group.rw.Unlock()

	switch {
	case err != nil:
		diags.AddError("Runner creation outcome unknown",
			lostRunnerLookupFailedDetail(cause, err, runnerLookupHint(opts)))
		return nil, false
	case len(candidates) == 0:
		if attempt < r.data.retries() {
			return nil, true
		}
		diags.AddError("Could not create the runner",
			lostRunnerNotCreatedDetail(cause, runnerScopeLabel(opts), runnerDeref(opts.Description), attempt+1))
		return nil, false
	case id == 0:
		ids := make([]string, len(candidates))
		for i, c := range candidates {
			ids[i] = idString(c.ID)
		}
		diags.AddError("Runner creation outcome unknown: several candidates",
			lostRunnerAmbiguousDetail(cause, runnerScopeLabel(opts), runnerDeref(opts.Description), ids))
		return nil, false
	}

	// Resetting a token by id is safe to repeat: the last reset's token is
	// the one that works.
	tok, err := repeatWhileOutcomeUnknown(ctx, r.data, "resetting the token of an adopted runner",
		func() (*gitlab.RunnerToken, error) { return client.ResetRunnerAuthenticationToken(ctx, id) })
	if err == nil && (tok == nil || tok.Token == "") {
		err = fmt.Errorf("POST /runners/%d/reset_authentication_token answered without a token", id)
	}
	if err != nil {
		// Keep the runner in state (tainted by this error) rather than
		// orphan it: the next apply replaces it.
		addAPIError(diags, fmt.Sprintf("Adopted %s after a lost create response, but could not reset its token", runnerLabel(id)), err)
		return &gitlab.CreatedRunner{ID: id}, false
	}
	tflog.Info(ctx, "adopted runner created by a request whose answer was lost", map[string]any{"runner_id": id})
	diags.AddWarning("Recovered the runner after a lost response",
		lostRunnerAdoptedDetail(cause, id))
	return &gitlab.CreatedRunner{ID: id, Token: tok.Token, TokenExpiresAt: tok.TokenExpiresAt}, false
}

// findLostRunners lists the runners of the request's scope and keeps those
// the request could have created, leaving out the runners claimed by other
// resource instances.
func findLostRunners(ctx context.Context, client *gitlab.Client, opts gitlab.CreateUserRunnerOptions, started time.Time, claimed func(int64) bool) ([]*gitlab.RunnerDetails, error) {
	list := gitlab.ListRunnersOptions{Type: opts.RunnerType}
	if opts.TagList != nil {
		// GitLab returns runners that have all of these tags (and maybe more).
		list.TagList = *opts.TagList
	}
	var runners []gitlab.Runner
	var err error
	switch opts.RunnerType {
	case gitlab.RunnerTypeInstance:
		runners, err = client.ListAllRunners(ctx, list)
	case gitlab.RunnerTypeGroup:
		runners, err = client.ListGroupRunners(ctx, idString(runnerDeref(opts.GroupID)), list)
	case gitlab.RunnerTypeProject:
		runners, err = client.ListProjectRunners(ctx, idString(runnerDeref(opts.ProjectID)), list)
	default:
		return nil, fmt.Errorf("unknown runner_type %q", opts.RunnerType)
	}
	if err != nil {
		return nil, err
	}

	// created_by narrows the search when the token may read /user; tokens
	// limited to create_runner/manage_runner cannot, and that is fine.
	var me *gitlab.User
	if u, err := client.CurrentUser(ctx); err == nil {
		me = u
	}

	var out []*gitlab.RunnerDetails
	for _, lr := range runners {
		if lr.ID <= 0 || claimed(lr.ID) || !runnerListEntryMayMatch(lr, opts, started, me) {
			continue
		}
		d, err := client.GetRunner(ctx, lr.ID)
		if gitlab.IsNotFound(err) {
			continue // deleted meanwhile
		}
		if err == nil {
			err = checkRunnerAnswer(lr.ID, d)
		}
		if err != nil {
			return nil, err
		}
		if runnerMatchesCreateRequest(d, opts) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// runnerListEntryMayMatch filters list entries before the detail request.
func runnerListEntryMayMatch(r gitlab.Runner, opts gitlab.CreateUserRunnerOptions, started time.Time, me *gitlab.User) bool {
	if r.RunnerType != opts.RunnerType || r.Description != runnerDeref(opts.Description) {
		return false
	}
	if r.CreatedAt != nil && r.CreatedAt.Before(started.Add(-runnerAdoptClockSkew)) {
		return false
	}
	if me != nil && r.CreatedBy != nil && r.CreatedBy.ID != me.ID {
		return false
	}
	return true
}

// runnerMatchesCreateRequest confirms a candidate from its details: the
// owner group or project (list endpoints also return ancestors' and assigned
// runners), the exact tag set, and that no runner ever used its token.
func runnerMatchesCreateRequest(d *gitlab.RunnerDetails, opts gitlab.CreateUserRunnerOptions) bool {
	if d.RunnerType != opts.RunnerType || d.Description != runnerDeref(opts.Description) || d.ContactedAt != nil {
		return false
	}
	switch opts.RunnerType {
	case gitlab.RunnerTypeGroup:
		if len(d.Groups) == 0 || opts.GroupID == nil || d.Groups[0].ID != *opts.GroupID {
			return false
		}
	case gitlab.RunnerTypeProject:
		if len(d.Projects) == 0 || opts.ProjectID == nil || d.Projects[0].ID != *opts.ProjectID {
			return false
		}
	}
	var want []string
	if opts.TagList != nil {
		want = *opts.TagList
	}
	return runnerSameTags(d.TagList, want)
}

func runnerSameTags(a, b []string) bool {
	set := func(items []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range items {
			m[s] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for k := range sa {
		if !sb[k] {
			return false
		}
	}
	return true
}

func runnerScopeLabel(opts gitlab.CreateUserRunnerOptions) string {
	switch opts.RunnerType {
	case gitlab.RunnerTypeGroup:
		return fmt.Sprintf("group runner of group %d", runnerDeref(opts.GroupID))
	case gitlab.RunnerTypeProject:
		return fmt.Sprintf("project runner of project %d", runnerDeref(opts.ProjectID))
	}
	return "instance runner"
}

func runnerLookupHint(opts gitlab.CreateUserRunnerOptions) string {
	return fmt.Sprintf("Check the runners of the %s in GitLab (Settings > CI/CD > Runners): if a runner with "+
		"description %q was just created, import it (`terraform import <address> <id>`) or delete it, then apply again.",
		runnerScopeLabel(opts), runnerDeref(opts.Description))
}

func runnerDeref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
