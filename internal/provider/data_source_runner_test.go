package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// randomSystemID looks like the system ids gitlab-runner generates.
func randomSystemID() string {
	return "s_" + strings.TrimPrefix(acctest.RandomName("sys"), acctest.ResourcePrefix+"sys-")
}

func expectAttr(address, attribute string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check)
}

// TestAccDataSourceRunner reads a fully configured project runner and a bare
// group runner, then the project runner again after a runner process
// verified its token (which makes it contacted).
func TestAccDataSourceRunner(t *testing.T) {
	tg := acctest.Get(t)
	admin, err := tg.Client.CurrentUser(acctest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	tag := acctest.RandomName("tag")
	desc := acctest.RandomName("runner")
	pr := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{
		RunnerType: "project_type",
		ProjectID:  &project.ID,
		RunnerSettings: gitlab.RunnerSettings{
			Description:     &desc,
			Paused:          ptr(true),
			Locked:          ptr(true),
			RunUntagged:     ptr(false),
			TagList:         &[]string{tag, "docker"},
			AccessLevel:     ptr("ref_protected"),
			MaximumTimeout:  gitlab.Some[int64](3600),
			MaintenanceNote: ptr("replace disk"),
		},
	})
	gr := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: "group_type", GroupID: &group.ID})
	systemID := randomSystemID()

	config := tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_runner" "project" {
  id = %d
}

data "gitlabci_runner" "group" {
  id = %d
}
`, pr.ID, gr.ID)
	const p, g = "data.gitlabci_runner.project", "data.gitlabci_runner.group"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr(p, "id", knownvalue.Int64Exact(pr.ID)),
					expectAttr(p, "description", knownvalue.StringExact(desc)),
					expectAttr(p, "name", knownvalue.Null()),
					expectAttr(p, "paused", knownvalue.Bool(true)),
					expectAttr(p, "active", knownvalue.Bool(false)),
					expectAttr(p, "is_shared", knownvalue.Bool(false)),
					expectAttr(p, "runner_type", knownvalue.StringExact("project_type")),
					expectAttr(p, "online", knownvalue.Null()),
					expectAttr(p, "status", knownvalue.StringExact("never_contacted")),
					expectAttr(p, "created_by", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id": knownvalue.Int64Exact(admin.ID), "username": knownvalue.StringExact(admin.Username),
						"name": knownvalue.StringExact(admin.Name), "state": knownvalue.StringExact("active"),
					})),
					expectAttr(p, "created_at", knownvalue.NotNull()),
					expectAttr(p, "job_execution_status", knownvalue.StringExact("idle")),
					expectAttr(p, "tag_list", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(tag), knownvalue.StringExact("docker")})),
					expectAttr(p, "run_untagged", knownvalue.Bool(false)),
					expectAttr(p, "locked", knownvalue.Bool(true)),
					expectAttr(p, "maximum_timeout", knownvalue.Int64Exact(3600)),
					expectAttr(p, "access_level", knownvalue.StringExact("ref_protected")),
					expectAttr(p, "version", knownvalue.Null()),
					expectAttr(p, "revision", knownvalue.Null()),
					expectAttr(p, "platform", knownvalue.Null()),
					expectAttr(p, "architecture", knownvalue.Null()),
					expectAttr(p, "contacted_at", knownvalue.Null()),
					expectAttr(p, "maintenance_note", knownvalue.StringExact("replace disk")),
					expectAttr(p, "projects", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                  knownvalue.Int64Exact(project.ID),
						"name":                knownvalue.StringExact(project.Name),
						"name_with_namespace": knownvalue.StringExact(project.NameWithNamespace),
						"path":                knownvalue.StringExact(project.Path),
						"path_with_namespace": knownvalue.StringExact(project.PathWithNamespace),
					})})),
					expectAttr(p, "groups", knownvalue.ListExact([]knownvalue.Check{})),
					expectAttr(p, "token_expires_at", knownvalue.Null()),

					expectAttr(g, "runner_type", knownvalue.StringExact("group_type")),
					expectAttr(g, "paused", knownvalue.Bool(false)),
					expectAttr(g, "maximum_timeout", knownvalue.Null()),
					expectAttr(g, "maintenance_note", knownvalue.Null()),
					expectAttr(g, "tag_list", knownvalue.SetExact([]knownvalue.Check{})),
					expectAttr(g, "run_untagged", knownvalue.Bool(true)),
					expectAttr(g, "locked", knownvalue.Bool(false)),
					expectAttr(g, "access_level", knownvalue.StringExact("not_protected")),
					expectAttr(g, "projects", knownvalue.ListExact([]knownvalue.Check{})),
					expectAttr(g, "groups", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":      knownvalue.Int64Exact(group.ID),
						"name":    knownvalue.StringExact(group.Name),
						"web_url": knownvalue.StringExact(group.WebURL),
					})})),
				},
			},
			{
				// A runner process verifying its token is a contact: the paused
				// runner now reports "paused" and is online.
				PreConfig: func() {
					if _, err := tg.Client.VerifyRunner(acctest.Context(t), pr.Token, systemID); err != nil {
						t.Fatalf("verify runner: %v", err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr(p, "status", knownvalue.StringExact("paused")),
					expectAttr(p, "online", knownvalue.Bool(true)),
					expectAttr(p, "contacted_at", knownvalue.NotNull()),
				},
			},
		},
	})
}

// TestAccDataSourceRunner_managerFields: version, revision, platform and
// architecture come from the most recently contacted manager.
func TestAccDataSourceRunner_managerFields(t *testing.T) {
	tg := acctest.Get(t)
	srv, id := seedProjectRunner(t, tg)
	now := srv.Now().Truncate(time.Second).Add(250 * time.Millisecond) // GitLab's milliseconds
	for _, m := range []gitlabsim.ManagerSeed{
		{SystemID: "s_old", Version: "17.11.0", Revision: "aaaa1111", Platform: "windows", Architecture: "amd64", ContactedAt: ptr(now.Add(-30 * time.Minute))},
		{SystemID: "s_new", Version: "18.0.1", Revision: "bbbb2222", Platform: "linux", Architecture: "arm64", ContactedAt: ptr(now.Add(-5 * time.Minute))},
	} {
		if _, err := srv.AddManager(id, m); err != nil {
			t.Fatal(err)
		}
	}
	const r = "data.gitlabci_runner.r"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + runnerHCL(id),
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(r, "version", knownvalue.StringExact("18.0.1")),
				expectAttr(r, "revision", knownvalue.StringExact("bbbb2222")),
				expectAttr(r, "platform", knownvalue.StringExact("linux")),
				expectAttr(r, "architecture", knownvalue.StringExact("arm64")),
				expectAttr(r, "contacted_at", rfc3339(now.Add(-5*time.Minute))),
				expectAttr(r, "status", knownvalue.StringExact("online")),
				expectAttr(r, "online", knownvalue.Bool(true)),
			},
		}},
	})
}

// TestAccDataSourceRunner_errors: a runner id nobody has is a 404 naming the
// runner; a user with no role reading a project runner gets the 403 wording
// with the roles GET /runners/:id accepts; id 0 fails validation.
func TestAccDataSourceRunner_errors(t *testing.T) {
	tg := acctest.Get(t)
	steps := runnerReadErrorSteps(t, tg, runnerHCL, 2147480000, func(id int64) string {
		return fmt.Sprintf("runner %d was not found: no runner has this id", id)
	}, func(id int64) string {
		return fmt.Sprintf("The token's user may not read runner %d (GET /runners/:id needs an "+
			"administrator for any runner; for a group runner the Maintainer role in its group; for a project "+
			"runner the Maintainer role in one of its projects", id)
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: append(steps, resource.TestStep{
			Config:      tg.ProviderConfig() + runnerHCL(0),
			ExpectError: wordsRe("Attribute id value must be at least 1"),
		}),
	})
}
