package gitlab

import (
	"context"
	"net/http"
)

// Endpoints that act on a runner authentication token (glrt-…): verifying
// it, rotating it and deleting the runner that owns it. Those that take the
// token in the body send no user token.

// VerifyRunner checks a runner authentication token; systemID is required by
// GitLab for glrt- tokens and creates or updates that runner manager.
//
// POST /runners/verify
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#verify-authentication-for-a-registered-runner
func (c *Client) VerifyRunner(ctx context.Context, token, systemID string) (*CreatedRunner, error) {
	body := map[string]string{"token": token}
	if systemID != "" {
		body["system_id"] = systemID
	}
	return doInto[CreatedRunner](ctx, c, request{method: http.MethodPost, path: "/runners/verify", body: body, noAuth: true})
}

// ResetRunnerAuthenticationToken rotates a runner's token by id.
//
// POST /runners/:id/reset_authentication_token
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#reset-runners-authentication-token-by-using-the-runner-id
func (c *Client) ResetRunnerAuthenticationToken(ctx context.Context, id int64) (*RunnerToken, error) {
	return doInto[RunnerToken](ctx, c, request{method: http.MethodPost, path: "/runners/" + itoa(id) + "/reset_authentication_token"})
}

// ResetRunnerAuthenticationTokenByToken rotates a runner's token using the
// current one; no user token is sent.
//
// POST /runners/reset_authentication_token
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#reset-runners-authentication-token-by-using-the-current-token
func (c *Client) ResetRunnerAuthenticationTokenByToken(ctx context.Context, token string) (*RunnerToken, error) {
	return doInto[RunnerToken](ctx, c, request{
		method: http.MethodPost, path: "/runners/reset_authentication_token", noAuth: true,
		body: map[string]string{"token": token},
	})
}

// DeleteRunnerByToken deletes the runner that owns an authentication token.
// GitLab answers 403 for an unknown token, which after a lost response means
// the first attempt already deleted it.
//
// DELETE /runners
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#delete-a-runner-by-authentication-token
func (c *Client) DeleteRunnerByToken(ctx context.Context, token string) error {
	_, err := c.do(ctx, request{
		method: http.MethodDelete, path: "/runners", noAuth: true,
		body:         map[string]string{"token": token},
		doneStatuses: []int{http.StatusForbidden},
	}, nil)
	return err
}
