package gitlab

import (
	"context"
	"net/http"
)

// CurrentUser returns the user the token belongs to.
//
// GET /user
//
// GitLab API docs: https://docs.gitlab.com/api/users/
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	return doInto[User](ctx, c, request{method: http.MethodGet, path: "/user"})
}
