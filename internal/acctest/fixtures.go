package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// ResourcePrefix marks everything the acceptance tests create, so sweepers
// can find leftovers on a real GitLab.
const ResourcePrefix = "tfacc-"

// RandomName returns a unique, path-safe name with the sweepable prefix.
func RandomName(kind string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return ResourcePrefix + kind + "-" + hex.EncodeToString(b)
}

// NewGroup creates a group (a subgroup when parent is not nil) and deletes it
// when the test ends.
func (tg *Target) NewGroup(t *testing.T, parent *gitlab.Group) *gitlab.Group {
	t.Helper()
	name := RandomName("group")
	opts := gitlab.CreateGroupOptions{Name: name, Path: name, Visibility: "private"}
	if parent != nil {
		opts.ParentID = &parent.ID
	}
	g, err := tg.Client.CreateGroup(Context(t), opts)
	if err != nil {
		t.Fatalf("create group fixture: %v", err)
	}
	deleteOnCleanup(t, "group "+g.FullPath, func(ctx context.Context) error {
		return tg.Client.DeleteGroup(ctx, strconv.FormatInt(g.ID, 10))
	})
	return g
}

// NewProject creates a project in group (the admin's namespace when nil) and
// deletes it when the test ends.
func (tg *Target) NewProject(t *testing.T, group *gitlab.Group) *gitlab.Project {
	t.Helper()
	name := RandomName("project")
	opts := gitlab.CreateProjectOptions{Name: name, Path: name, Visibility: "private"}
	if group != nil {
		opts.NamespaceID = &group.ID
	}
	p, err := tg.Client.CreateProject(Context(t), opts)
	if err != nil {
		t.Fatalf("create project fixture: %v", err)
	}
	deleteOnCleanup(t, "project "+p.PathWithNamespace, func(ctx context.Context) error {
		return tg.Client.DeleteProject(ctx, strconv.FormatInt(p.ID, 10))
	})
	return p
}

// NewUser creates a non-admin user with a personal access token of the
// given scopes (api when none) and deletes the user when the test ends.
func (tg *Target) NewUser(t *testing.T, scopes ...string) (*gitlab.User, string) {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	name := RandomName("user")
	ctx := Context(t)
	u, err := tg.Client.CreateUser(ctx, gitlab.CreateUserOptions{
		Username:         name,
		Name:             name,
		Email:            name + "@example.com",
		Password:         "Tfacc-" + name + "-Pw1!",
		SkipConfirmation: true,
	})
	if err != nil {
		t.Fatalf("create user fixture: %v", err)
	}
	deleteOnCleanup(t, "user "+u.Username, func(ctx context.Context) error {
		return tg.Client.DeleteUser(ctx, u.ID)
	})
	expires := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	pat, err := tg.Client.CreatePersonalAccessToken(ctx, u.ID, name, scopes, expires)
	if err != nil {
		t.Fatalf("create token fixture for %s: %v", u.Username, err)
	}
	return u, pat.Token
}

// AddProjectMember gives user a role (gitlab.AccessMaintainer, ...) in project.
func (tg *Target) AddProjectMember(t *testing.T, project *gitlab.Project, user *gitlab.User, level int) {
	t.Helper()
	if err := tg.Client.AddProjectMember(Context(t), strconv.FormatInt(project.ID, 10), user.ID, level); err != nil {
		t.Fatalf("add %s to project %s: %v", user.Username, project.PathWithNamespace, err)
	}
}

// AddGroupMember gives user a role in group.
func (tg *Target) AddGroupMember(t *testing.T, group *gitlab.Group, user *gitlab.User, level int) {
	t.Helper()
	if err := tg.Client.AddGroupMember(Context(t), strconv.FormatInt(group.ID, 10), user.ID, level); err != nil {
		t.Fatalf("add %s to group %s: %v", user.Username, group.FullPath, err)
	}
}

// NewRunner creates a runner through POST /user/runners outside Terraform
// (for data sources, assignments and import tests) and deletes it at the end.
func (tg *Target) NewRunner(t *testing.T, opts gitlab.CreateUserRunnerOptions) *gitlab.CreatedRunner {
	t.Helper()
	if opts.Description == nil {
		d := RandomName("runner")
		opts.Description = &d
	}
	r, err := tg.Client.CreateUserRunner(Context(t), opts)
	if err != nil {
		t.Fatalf("create runner fixture: %v", err)
	}
	deleteOnCleanup(t, fmt.Sprintf("runner %d", r.ID), func(ctx context.Context) error {
		return tg.Client.DeleteRunner(ctx, r.ID)
	})
	return r
}

// deleteOnCleanup deletes a fixture (what names it) when the test ends; one
// already gone (a 404) is fine, and another failure is only logged, since
// the test's own result is known by then and the sweepers remove leftovers.
func deleteOnCleanup(t *testing.T, what string, del func(context.Context) error) {
	t.Cleanup(func() {
		if err := del(context.Background()); err != nil && !gitlab.IsNotFound(err) {
			t.Logf("cleanup: delete %s: %v", what, err)
		}
	})
}
