package gitlab

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Runner endpoints of GitLab's Runners API: listing, reading, updating and
// deleting runners, their jobs and their managers.

func (o ListRunnersOptions) query() url.Values {
	q := url.Values{}
	if o.Type != "" {
		q.Set("type", o.Type)
	}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Paused != nil {
		q.Set("paused", strconv.FormatBool(*o.Paused))
	}
	if len(o.TagList) > 0 {
		// Grape splits a comma-joined string; repeated tag_list[] keys are
		// not understood by every GitLab release.
		q.Set("tag_list", strings.Join(o.TagList, ","))
	}
	if o.VersionPrefix != "" {
		q.Set("version_prefix", o.VersionPrefix)
	}
	if o.Scope != "" {
		q.Set("scope", o.Scope)
	}
	return q
}

// ListRunners lists the runners the caller can manage (all pages).
//
// GET /runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-owned-runners
func (c *Client) ListRunners(ctx context.Context, opts ListRunnersOptions) ([]Runner, error) {
	return paginate[Runner](ctx, c, "/runners", opts.query(), 0)
}

// ListAllRunners lists every runner of the instance (administrators only).
//
// GET /runners/all
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-all-runners
func (c *Client) ListAllRunners(ctx context.Context, opts ListRunnersOptions) ([]Runner, error) {
	return paginate[Runner](ctx, c, "/runners/all", opts.query(), 0)
}

// ListGroupRunners lists the runners available to a group (its own, its
// ancestors' and instance runners). group is an id or a full path.
//
// GET /groups/:id/runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-groups-runners
func (c *Client) ListGroupRunners(ctx context.Context, group string, opts ListRunnersOptions) ([]Runner, error) {
	p, err := groupPath(group, "/runners")
	if err != nil {
		return nil, err
	}
	return paginate[Runner](ctx, c, p, opts.query(), 0)
}

// GetRunner gets a runner's details. opts (at most one) are the query
// parameters; existing callers pass none.
//
// GET /runners/:id
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#get-runners-details
func (c *Client) GetRunner(ctx context.Context, id int64, opts ...GetRunnerOptions) (*RunnerDetails, error) {
	var q url.Values
	for _, o := range opts {
		if o.IncludeProjects != nil {
			q = url.Values{"include_projects": {strconv.FormatBool(*o.IncludeProjects)}}
		}
	}
	return doInto[RunnerDetails](ctx, c, request{method: http.MethodGet, path: "/runners/" + itoa(id), query: q})
}

// GetRunnerOptions are the query parameters of GET /runners/:id.
type GetRunnerOptions struct {
	// IncludeProjects false asks GitLab to leave out projects
	// (lib/api/entities/ci/runner_details.rb exposes them only with
	// include_projects, default true): a project runner assigned to
	// thousands of projects otherwise makes the request time out. Releases
	// without the parameter ignore it and return the projects anyway. nil
	// sends nothing.
	IncludeProjects *bool
}

// UpdateRunner changes the set fields of opts. GitLab rejects an update with
// no field set (400).
//
// PUT /runners/:id
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#update-runners-details
func (c *Client) UpdateRunner(ctx context.Context, id int64, opts UpdateRunnerOptions) (*RunnerDetails, error) {
	return doInto[RunnerDetails](ctx, c, request{method: http.MethodPut, path: "/runners/" + itoa(id), body: opts})
}

// DeleteRunner deletes a runner by id. A 404 on a retry after a lost
// response counts as success.
//
// DELETE /runners/:id
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#delete-a-runner-by-id
func (c *Client) DeleteRunner(ctx context.Context, id int64) error {
	return deleteIdempotent(ctx, c, "/runners/"+itoa(id), nil, http.StatusNotFound)
}

// ListRunnerJobs lists a runner's jobs (newest first unless Sort says
// otherwise), stopping at opts.MaxJobs when set.
//
// GET /runners/:id/jobs
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-jobs-processed-by-a-runner
func (c *Client) ListRunnerJobs(ctx context.Context, id int64, opts ListRunnerJobsOptions) ([]Job, error) {
	q := url.Values{}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if opts.SystemID != "" {
		q.Set("system_id", opts.SystemID)
	}
	if opts.OrderBy != "" {
		q.Set("order_by", opts.OrderBy)
	}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	return paginate[Job](ctx, c, "/runners/"+itoa(id)+"/jobs", q, max(opts.MaxJobs, 0))
}

// ListRunnerManagers lists the runner managers (one per system_id that has
// contacted GitLab). The endpoint is not paginated.
//
// GET /runners/:id/managers
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-runners-managers
func (c *Client) ListRunnerManagers(ctx context.Context, id int64) ([]RunnerManager, error) {
	var out listOf[RunnerManager]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/runners/" + itoa(id) + "/managers"}, &out); err != nil {
		return nil, err
	}
	return out.values(), nil
}

// CreateUserRunner creates a runner linked to the caller and returns its
// authentication token. It is never retried once sent; see
// ErrOutcomeUnknown.
//
// POST /user/runners
//
// GitLab API docs: https://docs.gitlab.com/api/users/#create-a-runner-linked-to-a-user
func (c *Client) CreateUserRunner(ctx context.Context, opts CreateUserRunnerOptions) (*CreatedRunner, error) {
	return doInto[CreatedRunner](ctx, c, request{method: http.MethodPost, path: "/user/runners", body: opts})
}

// RegisterRunner registers a runner with a registration token (deprecated by
// GitLab; 410 Gone when registration tokens are disabled). No user token is
// sent.
//
// POST /runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#create-a-runner
func (c *Client) RegisterRunner(ctx context.Context, opts RegisterRunnerOptions) (*CreatedRunner, error) {
	return doInto[CreatedRunner](ctx, c, request{method: http.MethodPost, path: "/runners", body: opts, noAuth: true})
}
