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

// TestAccDataSourceGroupRunners lists a subgroup's runners by path and by
// id: its own and its parent's group runners and the instance runners, never
// the project runners below it.
func TestAccDataSourceGroupRunners(t *testing.T) {
	tg := acctest.Get(t)
	f := newRunnerFixtures(t, tg)
	const ds = "gitlabci_group_runners"
	path, id := f.sub.FullPath, strconv.FormatInt(f.sub.ID, 10)
	config := tg.ProviderConfig() + f.listHCL(ds, "by_path", "group", path) +
		f.listHCL(ds, "by_id", "group", id, `type = "group_type"`) +
		f.listHCL(ds, "paused", "group", path, "paused = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: append(f.expectListed("data.gitlabci_group_runners.by_path", f.instance, f.parentGroup, f.subGroup),
				checkIDs("data.gitlabci_group_runners.by_id", sortedIDs(f.parentGroup.ID, f.subGroup.ID)...),
				checkIDs("data.gitlabci_group_runners.paused"),
			),
		}},
	})
}

// TestAccDataSourceGroupRunners_access: a user who is not a member sees a
// 404 (GitLab hides the group), a Developer a 403; both errors name the
// group and the Maintainer role the endpoint needs.
func TestAccDataSourceGroupRunners_access(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	_, outsider := tg.NewUser(t)
	developer, devToken := tg.NewUser(t)
	tg.AddGroupMember(t, group, developer, gitlab.AccessDeveloper)
	config := fmt.Sprintf("data \"gitlabci_group_runners\" \"g\" {\n  group = %q\n}\n", group.FullPath)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    maintainerDeniedSteps(tg, config, outsider, devToken, "group "+group.FullPath, "GET /groups/:id/runners"),
	})
}

// TestAccDataSourceGroupRunners_pagesAndVersion: 155 group runners (two
// pages) of a group listed in order, and the version_prefix filter, which
// needs runner managers reporting versions (seeded).
func TestAccDataSourceGroupRunners_pagesAndVersion(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	group := tg.NewGroup(t, nil)
	tag := acctest.RandomName("tag")
	seed := gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Tags: []string{tag}, ContactedAt: ptr(srv.Now())}
	seed.Version = "18.1.0"
	newer := seedRunners(t, tg, srv, seed, 150)
	seed.Version = "17.0.0"
	older := seedRunners(t, tg, srv, seed, 5)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_group_runners" "all" {
  group    = %[1]q
  tag_list = [%[2]q]
}

data "gitlabci_group_runners" "v17" {
  group          = %[1]q
  tag_list       = [%[2]q]
  version_prefix = "17"
}
`, group.FullPath, tag),
			ConfigStateChecks: []statecheck.StateCheck{
				checkIDs("data.gitlabci_group_runners.all", append(newer, older...)...),
				checkIDs("data.gitlabci_group_runners.v17", older...),
			},
		}},
	})
}
