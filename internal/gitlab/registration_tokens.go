package gitlab

import (
	"context"
	"net/http"
)

// Endpoints that rotate the legacy runner registration tokens (deprecated by
// GitLab in favour of POST /user/runners).

// ResetInstanceRegistrationToken rotates the instance registration token.
//
// POST /runners/reset_registration_token
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#reset-instances-runner-registration-token
func (c *Client) ResetInstanceRegistrationToken(ctx context.Context) (*RegistrationToken, error) {
	return doInto[RegistrationToken](ctx, c, request{method: http.MethodPost, path: "/runners/reset_registration_token"})
}

// ResetGroupRegistrationToken rotates a group's registration token. group is
// an id or a full path.
//
// POST /groups/:id/runners/reset_registration_token
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#reset-groups-runner-registration-token
func (c *Client) ResetGroupRegistrationToken(ctx context.Context, group string) (*RegistrationToken, error) {
	p, err := groupPath(group, "/runners/reset_registration_token")
	return doAt[RegistrationToken](ctx, c, p, err, request{method: http.MethodPost})
}

// ResetProjectRegistrationToken rotates a project's registration token.
// project is an id or a full path.
//
// POST /projects/:id/runners/reset_registration_token
//
// GitLab API docs: https://docs.gitlab.com/api/runners/#reset-projects-runner-registration-token
func (c *Client) ResetProjectRegistrationToken(ctx context.Context, project string) (*RegistrationToken, error) {
	p, err := projectPath(project, "/runners/reset_registration_token")
	return doAt[RegistrationToken](ctx, c, p, err, request{method: http.MethodPost})
}
