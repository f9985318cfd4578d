package gitlab

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pathID escapes a numeric id or a full path ("group/sub/project") for use as
// one path segment. GitLab routes ":id" as a single segment, so the slashes
// must stay encoded as %2F on the wire.
func pathID(kind, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", errors.New("gitlab: empty " + kind + " id or path")
	}
	return url.PathEscape(id), nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

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

// ListRunners returns the runners the caller can manage (GET /runners).
func (c *Client) ListRunners(ctx context.Context, opts ListRunnersOptions) ([]Runner, error) {
	return paginate[Runner](ctx, c, "/runners", opts.query(), 0)
}

// ListAllRunners returns every runner of the instance (admin only).
func (c *Client) ListAllRunners(ctx context.Context, opts ListRunnersOptions) ([]Runner, error) {
	return paginate[Runner](ctx, c, "/runners/all", opts.query(), 0)
}

// ListGroupRunners lists the runners available to a group (its own, its
// ancestors' and instance runners). group is an id or a full path.
func (c *Client) ListGroupRunners(ctx context.Context, group string, opts ListRunnersOptions) ([]Runner, error) {
	g, err := pathID("group", group)
	if err != nil {
		return nil, err
	}
	return paginate[Runner](ctx, c, "/groups/"+g+"/runners", opts.query(), 0)
}

// ListProjectRunners lists the runners available to a project. project is an
// id or a full path.
func (c *Client) ListProjectRunners(ctx context.Context, project string, opts ListRunnersOptions) ([]Runner, error) {
	p, err := pathID("project", project)
	if err != nil {
		return nil, err
	}
	return paginate[Runner](ctx, c, "/projects/"+p+"/runners", opts.query(), 0)
}

// GetRunner returns a runner's details.
func (c *Client) GetRunner(ctx context.Context, id int64) (*RunnerDetails, error) {
	var out RunnerDetails
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/runners/" + itoa(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRunner changes the set fields of opts. GitLab rejects an update with
// no field set (400).
func (c *Client) UpdateRunner(ctx context.Context, id int64, opts UpdateRunnerOptions) (*RunnerDetails, error) {
	var out RunnerDetails
	if _, err := c.do(ctx, request{method: http.MethodPut, path: "/runners/" + itoa(id), body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRunner deletes a runner by id. A 404 on a retry after a lost
// response counts as success.
func (c *Client) DeleteRunner(ctx context.Context, id int64) error {
	_, err := c.do(ctx, request{
		method: http.MethodDelete, path: "/runners/" + itoa(id),
		doneStatuses: []int{http.StatusNotFound},
	}, nil)
	return err
}

// DeleteRunnerByToken deletes the runner that owns an authentication token.
// GitLab answers 403 for an unknown token, which after a lost response means
// the first attempt already deleted it.
func (c *Client) DeleteRunnerByToken(ctx context.Context, token string) error {
	_, err := c.do(ctx, request{
		method: http.MethodDelete, path: "/runners", noAuth: true,
		body:         map[string]string{"token": token},
		doneStatuses: []int{http.StatusForbidden},
	}, nil)
	return err
}

// ListRunnerJobs lists a runner's jobs (newest first unless Sort says
// otherwise), stopping at opts.MaxJobs when set.
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
func (c *Client) ListRunnerManagers(ctx context.Context, id int64) ([]RunnerManager, error) {
	out := []RunnerManager{}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/runners/" + itoa(id) + "/managers"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AssignRunnerToProject enables a project runner for another project.
// GitLab answers 400 "has already been taken" when it is already assigned.
func (c *Client) AssignRunnerToProject(ctx context.Context, project string, runnerID int64) (*Runner, error) {
	p, err := pathID("project", project)
	if err != nil {
		return nil, err
	}
	var out Runner
	if _, err := c.do(ctx, request{
		method: http.MethodPost, path: "/projects/" + p + "/runners",
		body: map[string]int64{"runner_id": runnerID},
	}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UnassignRunnerFromProject disables a runner for a project other than its
// owner project.
func (c *Client) UnassignRunnerFromProject(ctx context.Context, project string, runnerID int64) error {
	p, err := pathID("project", project)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{
		method: http.MethodDelete, path: "/projects/" + p + "/runners/" + itoa(runnerID),
		doneStatuses: []int{http.StatusNotFound},
	}, nil)
	return err
}

// CreateUserRunner creates a runner linked to the caller (POST /user/runners)
// and returns its authentication token. It is never retried once sent; see
// ErrOutcomeUnknown.
func (c *Client) CreateUserRunner(ctx context.Context, opts CreateUserRunnerOptions) (*CreatedRunner, error) {
	var out CreatedRunner
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/user/runners", body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RegisterRunner registers a runner with a registration token (deprecated by
// GitLab; 410 Gone when registration tokens are disabled). No user token is
// sent.
func (c *Client) RegisterRunner(ctx context.Context, opts RegisterRunnerOptions) (*CreatedRunner, error) {
	var out CreatedRunner
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/runners", body: opts, noAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifyRunner checks a runner authentication token; systemID is required by
// GitLab for glrt- tokens and creates or updates that runner manager.
func (c *Client) VerifyRunner(ctx context.Context, token, systemID string) (*CreatedRunner, error) {
	body := map[string]string{"token": token}
	if systemID != "" {
		body["system_id"] = systemID
	}
	var out CreatedRunner
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/runners/verify", body: body, noAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetRunnerAuthenticationToken rotates a runner's token by id.
func (c *Client) ResetRunnerAuthenticationToken(ctx context.Context, id int64) (*RunnerToken, error) {
	var out RunnerToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/runners/" + itoa(id) + "/reset_authentication_token"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetRunnerAuthenticationTokenByToken rotates a runner's token using the
// current one; no user token is sent.
func (c *Client) ResetRunnerAuthenticationTokenByToken(ctx context.Context, token string) (*RunnerToken, error) {
	var out RunnerToken
	if _, err := c.do(ctx, request{
		method: http.MethodPost, path: "/runners/reset_authentication_token", noAuth: true,
		body: map[string]string{"token": token},
	}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetInstanceRegistrationToken rotates the instance registration token.
func (c *Client) ResetInstanceRegistrationToken(ctx context.Context) (*RegistrationToken, error) {
	var out RegistrationToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/runners/reset_registration_token"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetGroupRegistrationToken rotates a group's registration token.
func (c *Client) ResetGroupRegistrationToken(ctx context.Context, group string) (*RegistrationToken, error) {
	g, err := pathID("group", group)
	if err != nil {
		return nil, err
	}
	var out RegistrationToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/groups/" + g + "/runners/reset_registration_token"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetProjectRegistrationToken rotates a project's registration token.
func (c *Client) ResetProjectRegistrationToken(ctx context.Context, project string) (*RegistrationToken, error) {
	p, err := pathID("project", project)
	if err != nil {
		return nil, err
	}
	var out RegistrationToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/projects/" + p + "/runners/reset_registration_token"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
