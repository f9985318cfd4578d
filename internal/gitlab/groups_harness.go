package gitlab

// Used by the acceptance harness (internal/acctest) and the sweepers only.

import (
	"context"
	"net/http"
	"net/url"
)

// CreateGroup creates a group (or a subgroup with ParentID).
//
// POST /groups
//
// GitLab API docs: https://docs.gitlab.com/api/groups/
func (c *Client) CreateGroup(ctx context.Context, opts CreateGroupOptions) (*Group, error) {
	return doInto[Group](ctx, c, request{method: http.MethodPost, path: "/groups", body: opts})
}

// DeleteGroup deletes a group. GitLab answers 202 and may delete later.
//
// DELETE /groups/:id
//
// GitLab API docs: https://docs.gitlab.com/api/groups/
func (c *Client) DeleteGroup(ctx context.Context, group string) error {
	p, err := groupPath(group, "")
	return deleteIdempotent(ctx, c, p, err, http.StatusNotFound)
}

// ListGroups returns the groups whose name or path contains search (all
// pages); the sweepers use it to find what interrupted test runs left.
//
// GET /groups?search=
//
// GitLab API docs: https://docs.gitlab.com/api/groups/
func (c *Client) ListGroups(ctx context.Context, search string) ([]Group, error) {
	return paginate[Group](ctx, c, "/groups", url.Values{"search": {search}}, 0)
}

// AddGroupMember adds a user to a group with an access level.
//
// POST /groups/:id/members
//
// GitLab API docs: https://docs.gitlab.com/api/members/
func (c *Client) AddGroupMember(ctx context.Context, group string, userID int64, accessLevel int) error {
	p, err := groupPath(group, "/members")
	return doAtNoBody(ctx, c, p, err, request{method: http.MethodPost, body: memberBody{userID, accessLevel}})
}
