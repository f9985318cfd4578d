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
	resource.AddTestSweepers("gitlabci_runner", &resource.Sweeper{
		Name: "gitlabci_runner",
		F: func(string) error {
			c, err := sweeperClient()
			if err != nil {
				return err
			}
			runners, err := c.ListAllRunners(context.Background(), gitlab.ListRunnersOptions{})
			if err != nil {
				return err
			}
			for _, r := range runners {
				if strings.HasPrefix(r.Description, acctest.ResourcePrefix) {
					if err := c.DeleteRunner(context.Background(), r.ID); err != nil && !gitlab.IsNotFound(err) {
						return fmt.Errorf("runner %d: %w", r.ID, err)
					}
				}
			}
			return nil
		},
	})
	resource.AddTestSweepers("gitlab_projects", &resource.Sweeper{
		Name:         "gitlab_projects",
		Dependencies: []string{"gitlabci_runner"},
		F: func(string) error {
			c, err := sweeperClient()
			if err != nil {
				return err
			}
			projects, err := c.ListProjects(context.Background(), acctest.ResourcePrefix)
			if err != nil {
				return err
			}
			for _, p := range projects {
				if strings.HasPrefix(p.Path, acctest.ResourcePrefix) {
					if err := c.DeleteProject(context.Background(), strconv.FormatInt(p.ID, 10)); err != nil && !gitlab.IsNotFound(err) {
						return fmt.Errorf("project %s: %w", p.PathWithNamespace, err)
					}
				}
			}
			return nil
		},
	})
	resource.AddTestSweepers("gitlab_groups", &resource.Sweeper{
		Name:         "gitlab_groups",
		Dependencies: []string{"gitlab_projects"},
		F: func(string) error {
			c, err := sweeperClient()
			if err != nil {
				return err
			}
			groups, err := c.ListGroups(context.Background(), acctest.ResourcePrefix)
			if err != nil {
				return err
			}
			for _, g := range groups {
				// Deleting a top-level group removes its subgroups too.
				if strings.HasPrefix(g.Path, acctest.ResourcePrefix) && g.ParentID == nil {
					if err := c.DeleteGroup(context.Background(), strconv.FormatInt(g.ID, 10)); err != nil && !gitlab.IsNotFound(err) {
						return fmt.Errorf("group %s: %w", g.FullPath, err)
					}
				}
			}
			return nil
		},
	})
	resource.AddTestSweepers("gitlab_users", &resource.Sweeper{
		Name:         "gitlab_users",
		Dependencies: []string{"gitlab_groups"},
		F: func(string) error {
			c, err := sweeperClient()
			if err != nil {
				return err
			}
			users, err := c.ListUsers(context.Background(), acctest.ResourcePrefix)
			if err != nil {
				return err
			}
			for _, u := range users {
				if strings.HasPrefix(u.Username, acctest.ResourcePrefix) && !u.IsAdmin {
					if err := c.DeleteUser(context.Background(), u.ID); err != nil && !gitlab.IsNotFound(err) {
						return fmt.Errorf("user %s: %w", u.Username, err)
					}
				}
			}
			return nil
		},
	})
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
