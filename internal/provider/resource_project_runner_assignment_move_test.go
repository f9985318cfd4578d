package provider_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// TestAccProjectRunnerAssignmentMove_fromEnablement: two assignments that
// GitLab's provider made, one recorded by project path and one by id, move
// without a request that writes; Read resolves the path to the project id.
func TestAccProjectRunnerAssignmentMove_fromEnablement(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	accRequireMoves(t)
	acctest.UseStandInGitLabProvider(t)
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	byPath := tg.NewProject(t, group)
	byID := tg.NewProject(t, group)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &owner.ID, RunnerSettings: gitlab.RunnerSettings{Locked: ptr(false)}})
	for _, p := range []*gitlab.Project{byPath, byID} {
		if _, err := tg.Client.AssignRunnerToProject(acctest.Context(t), strconv.FormatInt(p.ID, 10), runner.ID); err != nil {
			t.Fatalf("assign runner: %v", err)
		}
	}
	runnerID := strconv.FormatInt(runner.ID, 10)
	pid := strconv.FormatInt(byID.ID, 10)
	sources := []acctest.LegacyResource{
		{
			Type: "gitlab_project_runner_enablement", Name: "by_path", Provider: acctest.OfficialProviderAddress(),
			Attributes: map[string]any{"id": byPath.PathWithNamespace + ":" + runnerID, "project": byPath.PathWithNamespace, "runner_id": runner.ID},
		},
		{
			Type: "gitlab_project_runner_enablement", Name: "by_id", Provider: acctest.OfficialProviderAddress(),
			Attributes: map[string]any{"id": pid + ":" + runnerID, "project": pid, "runner_id": runner.ID},
		},
	}
	config := fmt.Sprintf(`
resource "gitlabci_project_runner_assignment" "by_path" {
  project   = %[1]q
  runner_id = %[3]d
}

resource "gitlabci_project_runner_assignment" "by_id" {
  project   = %[2]q
  runner_id = %[3]d
}

moved {
  from = gitlab_project_runner_enablement.by_path
  to   = gitlabci_project_runner_assignment.by_path
}

moved {
  from = gitlab_project_runner_enablement.by_id
  to   = gitlabci_project_runner_assignment.by_id
}
`, byPath.PathWithNamespace, pid, runner.ID)
	resource.Test(t, accMoveCase(t, tg, sources, config,
		[]plancheck.PlanCheck{
			plancheck.ExpectResourceAction("gitlabci_project_runner_assignment.by_path", plancheck.ResourceActionNoop),
			plancheck.ExpectResourceAction("gitlabci_project_runner_assignment.by_id", plancheck.ResourceActionNoop),
		},
		[]statecheck.StateCheck{
			statecheck.ExpectKnownValue("gitlabci_project_runner_assignment.by_path", tfjsonpath.New("project_id"), knownvalue.Int64Exact(byPath.ID)),
			statecheck.ExpectKnownValue("gitlabci_project_runner_assignment.by_path", tfjsonpath.New("id"),
				knownvalue.StringExact(fmt.Sprintf("%d:%d", byPath.ID, runner.ID))),
			statecheck.ExpectKnownValue("gitlabci_project_runner_assignment.by_path", tfjsonpath.New("project"), knownvalue.StringExact(byPath.PathWithNamespace)),
			statecheck.ExpectKnownValue("gitlabci_project_runner_assignment.by_id", tfjsonpath.New("id"), knownvalue.StringExact(pid+":"+runnerID)),
		}))
}
