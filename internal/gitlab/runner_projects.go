package gitlab

import (
	"context"
	"net/http"
)

// Endpoints that list, assign and unassign a project's runners. project is a
// numeric id or a full path ("group/sub/project").

// ListProjectRunners lists the runners available to a project (all pages).
//
// GET /projects/:id/runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#list-projects-runners
func (c *Client) ListProjectRunners(ctx context.Context, project string, opts ListRunnersOptions) ([]Runner, error) {
	p, err := projectPath(project, "/runners")
	if err != nil {
		return nil, err
	}
	return paginate[Runner](ctx, c, p, opts.query(), 0)
}

// AssignRunnerToProject enables a project runner for another project.
// GitLab answers 400 "has already been taken" when it is already assigned
// (see IsAlreadyAssigned).
//
// POST /projects/:id/runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#assign-a-runner-to-project
func (c *Client) AssignRunnerToProject(ctx context.Context, project string, runnerID int64) (*Runner, error) {
	p, err := projectPath(project, "/runners")
	return doAt[Runner](ctx, c, p, err, request{method: http.MethodPost, body: map[string]int64{"runner_id": runnerID}})
}

// UnassignRunnerFromProject disables a runner for a project other than its
// owner project. A 404 on a retry after a lost response counts as success.
//
// DELETE /projects/:id/runners/:runner_id
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#unassign-a-runner-from-project
func (c *Client) UnassignRunnerFromProject(ctx context.Context, project string, runnerID int64) error {
	p, err := projectPath(project, "/runners/"+itoa(runnerID))
	return deleteIdempotent(ctx, c, p, err, http.StatusNotFound)
}
