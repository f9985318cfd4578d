package gitlab

// Used by the acceptance harness (internal/acctest) and the sweepers only:
// the provider never creates or deletes users.

import (
	"context"
	"net/http"
	"net/url"
)

// CreateUser creates a user (administrators only).
//
// POST /users
//
// GitLab API docs: https://docs.gitlab.com/api/users/
func (c *Client) CreateUser(ctx context.Context, opts CreateUserOptions) (*User, error) {
	return doInto[User](ctx, c, request{method: http.MethodPost, path: "/users", body: opts})
}

// DeleteUser deletes a user (administrators only).
//
// DELETE /users/:id
//
// GitLab API docs: https://docs.gitlab.com/api/users/
func (c *Client) DeleteUser(ctx context.Context, id int64) error {
	return deleteIdempotent(ctx, c, "/users/"+itoa(id), nil, http.StatusNotFound)
}

// ListUsers returns the users whose username, name or email contains search
// (all pages).
//
// GET /users?search=
//
// GitLab API docs: https://docs.gitlab.com/api/users/
func (c *Client) ListUsers(ctx context.Context, search string) ([]User, error) {
	return paginate[User](ctx, c, "/users", url.Values{"search": {search}}, 0)
}

// CreatePersonalAccessToken creates a token for a user (administrators
// only). expiresAt is "YYYY-MM-DD" or empty for GitLab's default.
//
// POST /users/:user_id/personal_access_tokens
//
// GitLab API docs: https://docs.gitlab.com/api/user_tokens/
func (c *Client) CreatePersonalAccessToken(ctx context.Context, userID int64, name string, scopes []string, expiresAt string) (*PersonalAccessToken, error) {
	body := struct {
		Name      string   `json:"name"`
		Scopes    []string `json:"scopes"`
		ExpiresAt string   `json:"expires_at,omitempty"`
	}{name, scopes, expiresAt}
	return doInto[PersonalAccessToken](ctx, c, request{method: http.MethodPost, path: "/users/" + itoa(userID) + "/personal_access_tokens", body: body})
}

type memberBody struct {
	UserID      int64 `json:"user_id"`
	AccessLevel int   `json:"access_level"`
}
