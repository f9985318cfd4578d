package gitlab

import (
	"context"
	"net/http"
)

// GetGroup returns a group by id or full path.
//
// GET /groups/:id
//
// GitLab API docs: https://docs.gitlab.com/api/groups/
func (c *Client) GetGroup(ctx context.Context, group string) (*Group, error) {
	p, err := groupPath(group, "")
	return doAt[Group](ctx, c, p, err, request{method: http.MethodGet})
}
