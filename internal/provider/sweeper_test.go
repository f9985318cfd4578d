package provider_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// TestMain enables `go test ./internal/provider -sweep=all`, which removes
// what interrupted acceptance runs left on a real GitLab (everything the
// tests create is named with acctest.ResourcePrefix).
func TestMain(m *testing.M) {
	resource.TestMain(m)
}

func init() {
	addSweeper("gitlabci_runner", "", func(ctx context.Context, c *gitlab.Client) ([]gitlab.Runner, error) {
		return c.ListAllRunners(ctx, gitlab.ListRunnersOptions{})
	}, func(r gitlab.Runner) bool {
		return strings.HasPrefix(r.Description, acctest.ResourcePrefix)
	}, func(ctx context.Context, c *gitlab.Client, r gitlab.Runner) (string, error) {
		return fmt.Sprintf("runner %d", r.ID), c.DeleteRunner(ctx, r.ID)
	})
	addSweeper("gitlab_projects", "gitlabci_runner", func(ctx context.Context, c *gitlab.Client) ([]gitlab.Project, error) {
		return c.ListProjects(ctx, acctest.ResourcePrefix)
	}, func(p gitlab.Project) bool {
		return strings.HasPrefix(p.Path, acctest.ResourcePrefix)
	}, func(ctx context.Context, c *gitlab.Client, p gitlab.Project) (string, error) {
		return "project " + p.PathWithNamespace, c.DeleteProject(ctx, strconv.FormatInt(p.ID, 10))
	})
	addSweeper("gitlab_groups", "gitlab_projects", func(ctx context.Context, c *gitlab.Client) ([]gitlab.Group, error) {
		return c.ListGroups(ctx, acctest.ResourcePrefix)
	}, func(g gitlab.Group) bool {
		// Deleting a top-level group removes its subgroups too.
		return strings.HasPrefix(g.Path, acctest.ResourcePrefix) && g.ParentID == nil
	}, func(ctx context.Context, c *gitlab.Client, g gitlab.Group) (string, error) {
		return "group " + g.FullPath, c.DeleteGroup(ctx, strconv.FormatInt(g.ID, 10))
	})
	addSweeper("gitlab_users", "gitlab_groups", func(ctx context.Context, c *gitlab.Client) ([]gitlab.User, error) {
		return c.ListUsers(ctx, acctest.ResourcePrefix)
	}, func(u gitlab.User) bool {
		return strings.HasPrefix(u.Username, acctest.ResourcePrefix) && !u.IsAdmin
	}, func(ctx context.Context, c *gitlab.Client, u gitlab.User) (string, error) {
		return "user " + u.Username, c.DeleteUser(ctx, u.ID)
	})
}

// addSweeper registers the sweeper name, run after dependsOn (if any): it
// lists candidates, keeps the ones the tests created and deletes each (one
// already gone, a 404, is fine); del names what it deletes for the error.
func addSweeper[T any](name, dependsOn string,
	list func(context.Context, *gitlab.Client) ([]T, error),
	keep func(T) bool,
	del func(context.Context, *gitlab.Client, T) (string, error),
) {
	sw := &resource.Sweeper{Name: name, F: func(string) error {
		ctx := context.Background()
		c, err := sweeperClient()
		if err != nil {
			return err
		}
		items, err := list(ctx, c)
		if err != nil {
			return err
		}
		for _, it := range items {
			if !keep(it) {
				continue
			}
			if what, err := del(ctx, c, it); err != nil && !gitlab.IsNotFound(err) {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
		return nil
	}}
	if dependsOn != "" {
		sw.Dependencies = []string{dependsOn}
	}
	resource.AddTestSweepers(name, sw)
}

// Sweepers only make sense against a real GitLab: the simulator forgets
// everything when the test binary exits.
func sweeperClient() (*gitlab.Client, error) {
	if !acctest.IsRealGitLab() {
		return nil, fmt.Errorf("sweepers need GITLAB_BASE_URL and GITLAB_TOKEN (an administrator's token)")
	}
	return gitlab.NewClient(gitlab.Config{
		BaseURL: acctest.BaseURLFromEnv(),
		Token:   os.Getenv("GITLAB_TOKEN"),
		Retries: 3,
	})
}
