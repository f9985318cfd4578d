package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// Helpers shared by the tests of the data sources that read one runner by
// id (gitlabci_runner, gitlabci_runner_managers).

func runnerHCL(id int64) string {
	return fmt.Sprintf("data \"gitlabci_runner\" \"r\" {\n  id = %d\n}\n", id)
}

func runnerManagersHCL(id int64) string {
	return fmt.Sprintf("data \"gitlabci_runner_managers\" \"m\" {\n  runner_id = %d\n}\n", id)
}

// seedProjectRunner seeds a project runner in a new group's project (the
// simulator only: the tests using it seed managers and jobs next) and
// deletes it when the test ends.
func seedProjectRunner(t *testing.T, tg *acctest.Target) (*gitlabsim.Server, int64) {
	t.Helper()
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	id := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "project_type", ProjectID: project.ID})
	t.Cleanup(func() { _ = tg.Client.DeleteRunner(acctest.Context(t), id) })
	return srv, id
}

// runnerReadErrorSteps read, with config, a runner id nobody has (missing),
// which is a 404 worded by notFound, then a project runner as a user with no
// role in its project, which is the 403 worded by forbidden.
func runnerReadErrorSteps(t *testing.T, tg *acctest.Target, config func(id int64) string, missing int64,
	notFound, forbidden func(id int64) string,
) []resource.TestStep {
	t.Helper()
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	r := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: "project_type", ProjectID: &project.ID})
	_, outsider := tg.NewUser(t)
	return []resource.TestStep{
		{
			Config:      tg.ProviderConfig() + config(missing),
			ExpectError: wordsRe(notFound(missing)),
		},
		{
			Config:      tg.ProviderConfigWithToken(outsider) + config(r.ID),
			ExpectError: wordsRe(forbidden(r.ID)),
		},
	}
}

// expectEmptyPlan is the check of a step that must plan no change: the
// refresh after apply, a reordered tag set, an import that matches.
var expectEmptyPlan = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
