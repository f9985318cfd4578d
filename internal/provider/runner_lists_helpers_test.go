package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// Helpers shared by the group and project runner list tests
// (gitlabci_group_runners, gitlabci_project_runners).

// runnerFixtures are runners created through the API (so the tests also run
// on a real GitLab), all tagged with one tag no other test uses: an instance
// runner, a runner of a group, one of its subgroup and one of a project in
// the subgroup.
type runnerFixtures struct {
	tag                             string
	parent, sub                     *gitlab.Group
	project                         *gitlab.Project
	instance, parentGroup, subGroup *gitlab.CreatedRunner
	projectRunner                   *gitlab.CreatedRunner
	// listed is each runner's expected list object, by id.
	listed map[int64]knownvalue.Check
}

func newRunnerFixtures(t *testing.T, tg *acctest.Target) *runnerFixtures {
	t.Helper()
	f := &runnerFixtures{tag: acctest.RandomName("tag"), listed: map[int64]knownvalue.Check{}}
	f.parent = tg.NewGroup(t, nil)
	f.sub = tg.NewGroup(t, f.parent)
	f.project = tg.NewProject(t, f.sub)
	create := func(opts gitlab.CreateUserRunnerOptions) *gitlab.CreatedRunner {
		desc := acctest.RandomName("runner")
		opts.Description = &desc
		opts.TagList = &[]string{f.tag}
		r := tg.NewRunner(t, opts)
		f.listed[r.ID] = listedRunner(r, desc, opts.RunnerType)
		return r
	}
	f.instance = create(gitlab.CreateUserRunnerOptions{RunnerType: "instance_type"})
	f.parentGroup = create(gitlab.CreateUserRunnerOptions{RunnerType: "group_type", GroupID: &f.parent.ID})
	f.subGroup = create(gitlab.CreateUserRunnerOptions{RunnerType: "group_type", GroupID: &f.sub.ID})
	f.projectRunner = create(gitlab.CreateUserRunnerOptions{RunnerType: "project_type", ProjectID: &f.project.ID})
	return f
}

// listHCL is a data source block of type typ (gitlabci_group_runners or
// gitlabci_project_runners) named name, listing the runners of the
// namespace that attribute (group or project) names and that carry the
// fixtures' tag, with further arguments (`type = "group_type"`).
func (f *runnerFixtures) listHCL(typ, name, attribute, namespace string, args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data %q %q {\n  %s = %q\n  tag_list = [%q]\n", typ, name, attribute, namespace, f.tag)
	for _, a := range args {
		b.WriteString("  " + a + "\n")
	}
	b.WriteString("}\n")
	return b.String()
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

// expectListed checks that the list data source at address holds exactly
// the fixtures' runners rs, every field of each, in id order (GitLab's
// order), and that its ids say the same.
func (f *runnerFixtures) expectListed(address string, rs ...*gitlab.CreatedRunner) []statecheck.StateCheck {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	ids = sortedIDs(ids...)
	objects := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		objects[i] = f.listed[id]
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("runners"), knownvalue.ListExact(objects)),
		checkIDs(address, ids...),
	}
}

// maintainerDeniedSteps apply config as a user who is not a member of the
// namespace, which gets the 404 wording (GitLab hides the namespace), then
// as a Developer, which gets the 403 wording. Both name the namespace
// (label, e.g. "group a/b") and the Maintainer role the endpoint needs.
func maintainerDeniedSteps(tg *acctest.Target, config, outsiderToken, developerToken, label, endpoint string) []resource.TestStep {
	needs := " (" + endpoint + " needs Maintainer)"
	return []resource.TestStep{
		{
			Config:      tg.ProviderConfigWithToken(outsiderToken) + config,
			ExpectError: wordsRe(label + " was not found or the token's user is not at least a Maintainer of it" + needs),
		},
		{
			Config:      tg.ProviderConfigWithToken(developerToken) + config,
			ExpectError: wordsRe("The token's user is not at least a Maintainer of " + label + needs),
		},
	}
}

// seedRunners seeds n runners in the simulator and deletes them when the
// test ends.
func seedRunners(t *testing.T, tg *acctest.Target, srv *gitlabsim.Server, seed gitlabsim.RunnerSeed, n int) []int64 {
	t.Helper()
	ids, err := srv.SeedRunners(seed, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteSeeded(t, tg, ids) })
	return ids
}
