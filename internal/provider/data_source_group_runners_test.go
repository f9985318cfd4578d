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

// runnerFixtures are runners created through the API (so the tests also run
// on a real GitLab), all tagged with one tag no other test uses: an instance
// runner, a runner of a group, one of its subgroup and one of a project in
// the subgroup.
type runnerFixtures struct {
	tag                               string
	parent, sub                       *gitlab.Group
	project                           *gitlab.Project
	instance, parentGroup, subGroup   *gitlab.CreatedRunner
	projectRunner                     *gitlab.CreatedRunner
	instanceDesc, parentDesc, subDesc string
	projectDesc                       string
}

func newRunnerFixtures(t *testing.T, tg *acctest.Target) *runnerFixtures {
	t.Helper()
	f := &runnerFixtures{tag: acctest.RandomName("tag")}
	f.parent = tg.NewGroup(t, nil)
	f.sub = tg.NewGroup(t, f.parent)
	f.project = tg.NewProject(t, f.sub)
	create := func(opts gitlab.CreateUserRunnerOptions, desc *string) *gitlab.CreatedRunner {
		*desc = acctest.RandomName("runner")
		opts.Description = desc
		opts.TagList = &[]string{f.tag}
		return tg.NewRunner(t, opts)
	}
	f.instance = create(gitlab.CreateUserRunnerOptions{RunnerType: "instance_type"}, &f.instanceDesc)
	f.parentGroup = create(gitlab.CreateUserRunnerOptions{RunnerType: "group_type", GroupID: &f.parent.ID}, &f.parentDesc)
	f.subGroup = create(gitlab.CreateUserRunnerOptions{RunnerType: "group_type", GroupID: &f.sub.ID}, &f.subDesc)
	f.projectRunner = create(gitlab.CreateUserRunnerOptions{RunnerType: "project_type", ProjectID: &f.project.ID}, &f.projectDesc)
	return f
}

// listedRunner is the list object of a runner created by the fixtures:
// never contacted, so online is null and status never_contacted.
func listedRunner(r *gitlab.CreatedRunner, desc, typ string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                   knownvalue.Int64Exact(r.ID),
		"description":          knownvalue.StringExact(desc),
		"name":                 knownvalue.Null(),
		"paused":               knownvalue.Bool(false),
		"is_shared":            knownvalue.Bool(typ == "instance_type"),
		"runner_type":          knownvalue.StringExact(typ),
		"online":               knownvalue.Null(),
		"status":               knownvalue.StringExact("never_contacted"),
		"created_at":           knownvalue.NotNull(),
		"job_execution_status": knownvalue.StringExact("idle"),
	})
}

// TestAccDataSourceGroupRunners lists a subgroup's runners by path and by
// id: its own and its parent's group runners and the instance runners, never
// the project runners below it.
func TestAccDataSourceGroupRunners(t *testing.T) {
	tg := acctest.Get(t)
	f := newRunnerFixtures(t, tg)
	config := tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_group_runners" "by_path" {
  group    = %[1]q
  tag_list = [%[3]q]
}

data "gitlabci_group_runners" "by_id" {
  group    = %[2]q
  tag_list = [%[3]q]
  type     = "group_type"
}

data "gitlabci_group_runners" "paused" {
  group    = %[1]q
  tag_list = [%[3]q]
  paused   = true
}
`, f.sub.FullPath, strconv.FormatInt(f.sub.ID, 10), f.tag)
	byID := map[int64]knownvalue.Check{
		f.instance.ID:    listedRunner(f.instance, f.instanceDesc, "instance_type"),
		f.parentGroup.ID: listedRunner(f.parentGroup, f.parentDesc, "group_type"),
		f.subGroup.ID:    listedRunner(f.subGroup, f.subDesc, "group_type"),
	}
	ids := sortedIDs(f.instance.ID, f.parentGroup.ID, f.subGroup.ID)
	objects := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		objects[i] = byID[id]
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.gitlabci_group_runners.by_path", tfjsonpath.New("runners"), knownvalue.ListExact(objects)),
				checkIDs("data.gitlabci_group_runners.by_path", ids...),
				checkIDs("data.gitlabci_group_runners.by_id", sortedIDs(f.parentGroup.ID, f.subGroup.ID)...),
				checkIDs("data.gitlabci_group_runners.paused"),
			},
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
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfigWithToken(outsider) + config,
				ExpectError: wordsRe(fmt.Sprintf("group %s was not found or the token's user is not at least a Maintainer "+
					"of it (GET /groups/:id/runners needs Maintainer)", group.FullPath)),
			},
			{
				Config: tg.ProviderConfigWithToken(devToken) + config,
				ExpectError: wordsRe(fmt.Sprintf("The token's user is not at least a Maintainer of group %s "+
					"(GET /groups/:id/runners needs Maintainer)", group.FullPath)),
			},
		},
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
	newer, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Tags: []string{tag},
		Version: "18.1.0", ContactedAt: ptr(srv.Now())}, 150)
	if err != nil {
		t.Fatal(err)
	}
	older, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Tags: []string{tag},
		Version: "17.0.0", ContactedAt: ptr(srv.Now())}, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteSeeded(t, tg, append(newer, older...)) })
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
