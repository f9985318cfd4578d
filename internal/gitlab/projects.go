package gitlab

import (
	"context"
	"net/http"
)

// GetProject returns a project by id or full path.
//
// GET /projects/:id
//
// GitLab API docs: https://docs.gitlab.com/api/projects/
func (c *Client) GetProject(ctx context.Context, project string) (*Project, error) {
	p, err := projectPath(project, "")
	return doAt[Project](ctx, c, p, err, request{method: http.MethodGet})
}
