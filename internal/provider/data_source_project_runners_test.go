package provider_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

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
	config := tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_project_runners" "by_path" {
  project  = %[1]q
  tag_list = [%[3]q]
}

data "gitlabci_project_runners" "by_id" {
  project  = %[2]q
  tag_list = [%[3]q]
  type     = "project_type"
}

data "gitlabci_project_runners" "instance" {
  project  = %[2]q
  tag_list = [%[3]q]
  type     = "instance_type"
  status   = "never_contacted"
}
`, f.project.PathWithNamespace, strconv.FormatInt(f.project.ID, 10), f.tag)
	byID := map[int64]knownvalue.Check{
		f.instance.ID:      listedRunner(f.instance, f.instanceDesc, "instance_type"),
		f.parentGroup.ID:   listedRunner(f.parentGroup, f.parentDesc, "group_type"),
		f.subGroup.ID:      listedRunner(f.subGroup, f.subDesc, "group_type"),
		f.projectRunner.ID: listedRunner(f.projectRunner, f.projectDesc, "project_type"),
	}
	ids := sortedIDs(f.instance.ID, f.parentGroup.ID, f.subGroup.ID, f.projectRunner.ID)
	objects := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		objects[i] = byID[id]
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.gitlabci_project_runners.by_path", tfjsonpath.New("runners"), knownvalue.ListExact(objects)),
				checkIDs("data.gitlabci_project_runners.by_path", ids...),
				checkIDs("data.gitlabci_project_runners.by_id", f.projectRunner.ID),
				checkIDs("data.gitlabci_project_runners.instance", f.instance.ID),
			},
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
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfigWithToken(outsider) + config,
				ExpectError: wordsRe(label + " was not found or the token's user is not at least a Maintainer of it " +
					"(GET /projects/:id/runners needs Maintainer)"),
			},
			{
				Config: tg.ProviderConfigWithToken(devToken) + config,
				ExpectError: wordsRe("The token's user is not at least a Maintainer of " + label +
					" (GET /projects/:id/runners needs Maintainer)"),
			},
		},
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
	groupIDs, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Tags: []string{tag}}, 110)
	if err != nil {
		t.Fatal(err)
	}
	projectIDs, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "project_type", ProjectID: project.ID, Tags: []string{tag}}, 120)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteSeeded(t, tg, append(groupIDs, projectIDs...)) })
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
