package gitlab

import (
	"context"
	"net/http"
	"net/url"
)

// CurrentUser returns the user the token belongs to (GET /user).
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var out User
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/user"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateUser creates a user (admin).
func (c *Client) CreateUser(ctx context.Context, opts CreateUserOptions) (*User, error) {
	var out User
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/users", body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser deletes a user (admin).
func (c *Client) DeleteUser(ctx context.Context, id int64) error {
	_, err := c.do(ctx, request{
		method: http.MethodDelete, path: "/users/" + itoa(id),
		doneStatuses: []int{http.StatusNotFound},
	}, nil)
	return err
}

// CreatePersonalAccessToken creates a token for a user (admin). expiresAt is
// "YYYY-MM-DD" or empty for GitLab's default.
func (c *Client) CreatePersonalAccessToken(ctx context.Context, userID int64, name string, scopes []string, expiresAt string) (*PersonalAccessToken, error) {
	body := struct {
		Name      string   `json:"name"`
		Scopes    []string `json:"scopes"`
		ExpiresAt string   `json:"expires_at,omitempty"`
	}{name, scopes, expiresAt}
	var out PersonalAccessToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/users/" + itoa(userID) + "/personal_access_tokens", body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateGroup creates a group (or a subgroup with ParentID).
func (c *Client) CreateGroup(ctx context.Context, opts CreateGroupOptions) (*Group, error) {
	var out Group
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/groups", body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetGroup returns a group by id or full path.
func (c *Client) GetGroup(ctx context.Context, group string) (*Group, error) {
	g, err := pathID("group", group)
	if err != nil {
		return nil, err
	}
	var out Group
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/groups/" + g}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteGroup deletes a group. GitLab answers 202 and may delete later.
func (c *Client) DeleteGroup(ctx context.Context, group string) error {
	g, err := pathID("group", group)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{
		method: http.MethodDelete, path: "/groups/" + g,
		doneStatuses: []int{http.StatusNotFound},
	}, nil)
	return err
}

// CreateProject creates a project.
func (c *Client) CreateProject(ctx context.Context, opts CreateProjectOptions) (*Project, error) {
	var out Project
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/projects", body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetProject returns a project by id or full path.
func (c *Client) GetProject(ctx context.Context, project string) (*Project, error) {
	p, err := pathID("project", project)
	if err != nil {
		return nil, err
	}
	var out Project
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/projects/" + p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EditProject changes a project's runner settings.
func (c *Client) EditProject(ctx context.Context, project string, opts EditProjectOptions) (*Project, error) {
	p, err := pathID("project", project)
	if err != nil {
		return nil, err
	}
	var out Project
	if _, err := c.do(ctx, request{method: http.MethodPut, path: "/projects/" + p, body: opts}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteProject deletes a project. GitLab answers 202 and may delete later.
func (c *Client) DeleteProject(ctx context.Context, project string) error {
	p, err := pathID("project", project)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{
		method: http.MethodDelete, path: "/projects/" + p,
		doneStatuses: []int{http.StatusNotFound},
	}, nil)
	return err
}

type memberBody struct {
	UserID      int64 `json:"user_id"`
	AccessLevel int   `json:"access_level"`
}

// AddProjectMember adds a user to a project with an access level
// (AccessDeveloper, AccessMaintainer, …).
func (c *Client) AddProjectMember(ctx context.Context, project string, userID int64, accessLevel int) error {
	p, err := pathID("project", project)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodPost, path: "/projects/" + p + "/members", body: memberBody{userID, accessLevel}}, nil)
	return err
}

// AddGroupMember adds a user to a group with an access level.
func (c *Client) AddGroupMember(ctx context.Context, group string, userID int64, accessLevel int) error {
	g, err := pathID("group", group)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodPost, path: "/groups/" + g + "/members", body: memberBody{userID, accessLevel}}, nil)
	return err
}

// ListGroups returns the groups whose name or path contains search (all
// pages); the sweepers use it to find what interrupted test runs left.
func (c *Client) ListGroups(ctx context.Context, search string) ([]Group, error) {
	return paginate[Group](ctx, c, "/groups", url.Values{"search": {search}}, 0)
}

// ListProjects returns the projects whose name or path contains search.
func (c *Client) ListProjects(ctx context.Context, search string) ([]Project, error) {
	return paginate[Project](ctx, c, "/projects", url.Values{"search": {search}}, 0)
}

// ListUsers returns the users whose username, name or email contains search.
func (c *Client) ListUsers(ctx context.Context, search string) ([]User, error) {
	return paginate[User](ctx, c, "/users", url.Values{"search": {search}}, 0)
}
