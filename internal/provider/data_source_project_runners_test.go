package provider_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// TestAccDataSourceProjectRunners lists a project's runners by path and by
// id: its own project runner, the runners of its ancestor groups and the
// instance runners.
func TestAccDataSourceProjectRunners(t *testing.T) {
	tg := acctest.Get(t)
	f := newRunnerFixtures(t, tg)
	const ds = "gitlabci_project_runners"
	path, id := f.project.PathWithNamespace, strconv.FormatInt(f.project.ID, 10)
	config := tg.ProviderConfig() + f.listHCL(ds, "by_path", "project", path) +
		f.listHCL(ds, "by_id", "project", id, `type = "project_type"`) +
		f.listHCL(ds, "instance", "project", id, `type = "instance_type"`, `status = "never_contacted"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: append(f.expectListed("data.gitlabci_project_runners.by_path", f.instance, f.parentGroup, f.subGroup, f.projectRunner),
				checkIDs("data.gitlabci_project_runners.by_id", f.projectRunner.ID),
				checkIDs("data.gitlabci_project_runners.instance", f.instance.ID),
			),
		}},
	})
}

// TestAccDataSourceProjectRunners_access: a non-member gets the 404 wording,
// a Developer the 403 wording; both name the project and the role needed.
func TestAccDataSourceProjectRunners_access(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	_, outsider := tg.NewUser(t)
	developer, devToken := tg.NewUser(t)
	tg.AddProjectMember(t, project, developer, gitlab.AccessDeveloper)
	config := fmt.Sprintf("data \"gitlabci_project_runners\" \"p\" {\n  project = %q\n}\n", strconv.FormatInt(project.ID, 10))
	label := fmt.Sprintf("project with id %d", project.ID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    maintainerDeniedSteps(tg, config, outsider, devToken, label, "GET /projects/:id/runners"),
	})
}

// TestAccDataSourceProjectRunners_pages: 120 project runners plus 110
// runners of the project's group, listed through the project in id order
// over three pages.
func TestAccDataSourceProjectRunners_pages(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	tag := acctest.RandomName("tag")
	groupIDs := seedRunners(t, tg, srv, gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Tags: []string{tag}}, 110)
	projectIDs := seedRunners(t, tg, srv, gitlabsim.RunnerSeed{RunnerType: "project_type", ProjectID: project.ID, Tags: []string{tag}}, 120)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_project_runners" "all" {
  project  = %q
  tag_list = [%q]
}
`, project.PathWithNamespace, tag),
			ConfigStateChecks: []statecheck.StateCheck{
				checkIDs("data.gitlabci_project_runners.all", sortedIDs(append(groupIDs, projectIDs...)...)...),
			},
		}},
	})
}
