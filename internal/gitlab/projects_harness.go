package gitlab

// Used by the acceptance harness (internal/acctest) and the sweepers only.

import (
	"context"
	"net/http"
	"net/url"
)

// CreateProject creates a project.
//
// POST /projects
//
// GitLab API docs: https://docs.gitlab.com/api/projects/
func (c *Client) CreateProject(ctx context.Context, opts CreateProjectOptions) (*Project, error) {
	return doInto[Project](ctx, c, request{method: http.MethodPost, path: "/projects", body: opts})
}

// EditProject changes a project's runner settings.
//
// PUT /projects/:id
//
// GitLab API docs: https://docs.gitlab.com/api/projects/
func (c *Client) EditProject(ctx context.Context, project string, opts EditProjectOptions) (*Project, error) {
	p, err := projectPath(project, "")
	return doAt[Project](ctx, c, p, err, request{method: http.MethodPut, body: opts})
}

// DeleteProject deletes a project. GitLab answers 202 and may delete later.
//
// DELETE /projects/:id
//
// GitLab API docs: https://docs.gitlab.com/api/projects/
func (c *Client) DeleteProject(ctx context.Context, project string) error {
	p, err := projectPath(project, "")
	return deleteIdempotent(ctx, c, p, err, http.StatusNotFound)
}

// ListProjects returns the projects whose name or path contains search (all
// pages).
//
// GET /projects?search=
//
// GitLab API docs: https://docs.gitlab.com/api/projects/
func (c *Client) ListProjects(ctx context.Context, search string) ([]Project, error) {
	return paginate[Project](ctx, c, "/projects", url.Values{"search": {search}}, 0)
}

// AddProjectMember adds a user to a project with an access level
// (AccessDeveloper, AccessMaintainer, …).
//
// POST /projects/:id/members
//
// GitLab API docs: https://docs.gitlab.com/api/members/
func (c *Client) AddProjectMember(ctx context.Context, project string, userID int64, accessLevel int) error {
	p, err := projectPath(project, "/members")
	return doAtNoBody(ctx, c, p, err, request{method: http.MethodPost, body: memberBody{userID, accessLevel}})
}
