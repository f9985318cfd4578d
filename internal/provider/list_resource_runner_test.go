package provider_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// accRequireQuery skips on CLIs without `terraform query` (list resources):
// OpenTofu has none, Terraform since 1.14. OpenTofu reports its own version,
// so the version check alone cannot tell.
func accRequireQuery(t *testing.T) []tfversion.TerraformVersionCheck {
	t.Helper()
	if acctest.IsOpenTofu() {
		t.Skip("OpenTofu has no `query` command (list resources need Terraform 1.14 or later)")
	}
	if v := accCLIVersionLine(); !accCLIAtLeast(v, 1, 14) {
		t.Skipf("terraform query needs Terraform 1.14 or later; the CLI under test is %s", v)
	}
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}
}

var (
	cliVersionOnce sync.Once
	cliVersion     string
)

// accCLIVersionLine is the version line of `<CLI> version`, read once.
func accCLIVersionLine() string {
	cliVersionOnce.Do(func() {
		out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
		if err != nil {
			cliVersion = "unknown (" + err.Error() + ")"
			return
		}
		// A CLI configuration warning can come first.
		cliVersion = "unknown (" + strings.TrimSpace(string(out)) + ")"
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
				cliVersion = strings.TrimSpace(line)
				return
			}
		}
	})
	return cliVersion
}

// accQueryCase is a query test: the first step writes the provider
// configuration (a .tf file, which query reads beside the .tfquery.hcl), the
// second runs `terraform query` on the list blocks.
func accQueryCase(t *testing.T, providerConfig, query string, step resource.TestStep) resource.TestCase {
	t.Helper()
	step.Query = true
	step.Config = query
	return resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   accRequireQuery(t),
		Steps:                    []resource.TestStep{{Config: providerConfig}, step},
	}
}

func accSeedRunners(t *testing.T, tg *acctest.Target, seed gitlabsim.RunnerSeed, n int) []int64 {
	t.Helper()
	ids, err := tg.Sim.SeedRunners(seed, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, id := range ids {
			_ = tg.Client.DeleteRunner(context.Background(), id)
		}
	})
	return ids
}

// TestAccRunnerListResource_filtersAndPages: the filters reach GitLab, all
// pages are read (105 runners need two pages of 100), `limit` stops the
// listing early (one request of 3), and no match is an empty result.
func TestAccRunnerListResource_filtersAndPages(t *testing.T) {
	tg := acctest.Get(t)
	accRequireQuery(t)
	srv := tg.RequireSim(t)
	tag := acctest.RandomName("q")
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	many := accSeedRunners(t, tg, gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeInstance, Tags: []string{tag, "bulk"}}, 105)
	paused := accSeedRunners(t, tg, gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeInstance, Tags: []string{tag}, Paused: true,
		Description: "paused one"}, 1)[0]
	groupRunner := accSeedRunners(t, tg, gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeGroup, GroupID: group.ID, Tags: []string{tag},
		Description: "group one"}, 1)[0]
	projectRunner := accSeedRunners(t, tg, gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeProject, ProjectID: project.ID,
		Tags: []string{tag}, Description: "project one"}, 1)[0]
	var pagesBefore int64

	query := fmt.Sprintf(`
list "gitlabci_runner" "bulk" {
  provider = gitlabci
  limit    = 1000
  config {
    all      = true
    tag_list = [%[1]q, "bulk"]
  }
}

list "gitlabci_runner" "first_three" {
  provider         = gitlabci
  include_resource = true
  limit            = 3
  config {
    all      = true
    tag_list = [%[1]q]
  }
}

list "gitlabci_runner" "paused" {
  provider         = gitlabci
  include_resource = true
  config {
    all      = true
    paused   = true
    tag_list = [%[1]q]
  }
}

list "gitlabci_runner" "groups" {
  provider = gitlabci
  config {
    all      = true
    type     = "group_type"
    tag_list = [%[1]q]
  }
}

list "gitlabci_runner" "in_project" {
  provider = gitlabci
  config {
    project  = %[2]q
    type     = "project_type"
    tag_list = [%[1]q]
  }
}

list "gitlabci_runner" "in_group" {
  provider = gitlabci
  config {
    group    = %[3]q
    type     = "group_type"
    tag_list = [%[1]q]
  }
}

list "gitlabci_runner" "none" {
  provider = gitlabci
  config {
    tag_list = [%[1]q, "no-runner-has-this-tag"]
  }
}
`, tag, project.PathWithNamespace, group.FullPath)

	id := func(n int64) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(strconv.FormatInt(n, 10))}
	}
	resource.Test(t, accQueryCase(t, tg.ProviderConfig(), query, resource.TestStep{
		PreConfig: func() { pagesBefore = srv.Stats().ByRoute["GET /api/v4/runners/all"] },
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("gitlabci_runner.bulk", len(many)),
			querycheck.ExpectIdentity("gitlabci_runner.bulk", id(many[0])),
			querycheck.ExpectIdentity("gitlabci_runner.bulk", id(many[104])),
			querycheck.ExpectLength("gitlabci_runner.first_three", 3),
			querycheck.ExpectIdentity("gitlabci_runner.first_three", id(many[2])),
			// Read in full concurrently, each result still its own runner.
			querycheck.ExpectResourceKnownValues("gitlabci_runner.first_three", queryfilter.ByResourceIdentity(id(many[1])),
				[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(strconv.FormatInt(many[1], 10))}}),
			querycheck.ExpectLength("gitlabci_runner.paused", 1),
			querycheck.ExpectIdentity("gitlabci_runner.paused", id(paused)),
			querycheck.ExpectResourceDisplayName("gitlabci_runner.paused", queryfilter.ByResourceIdentity(id(paused)),
				knownvalue.StringExact(fmt.Sprintf("paused one (instance_type #%d)", paused))),
			querycheck.ExpectResourceKnownValues("gitlabci_runner.paused", queryfilter.ByResourceIdentity(id(paused)),
				[]querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("paused"), KnownValue: knownvalue.Bool(true)},
					{Path: tfjsonpath.New("runner_type"), KnownValue: knownvalue.StringExact("instance_type")},
					{Path: tfjsonpath.New("tag_list"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(tag)})},
					{Path: tfjsonpath.New("token"), KnownValue: knownvalue.Null()},
				}),
			querycheck.ExpectLength("gitlabci_runner.groups", 1),
			querycheck.ExpectIdentity("gitlabci_runner.groups", id(groupRunner)),
			querycheck.ExpectLength("gitlabci_runner.in_project", 1),
			querycheck.ExpectIdentity("gitlabci_runner.in_project", id(projectRunner)),
			querycheck.ExpectLength("gitlabci_runner.in_group", 1),
			querycheck.ExpectIdentity("gitlabci_runner.in_group", id(groupRunner)),
			querycheck.ExpectLength("gitlabci_runner.none", 0),
			accExpectRequests(func() int64 { return srv.Stats().ByRoute["GET /api/v4/runners/all"] - pagesBefore },
				// bulk: 2 pages; first_three: 1 page of 3; paused, groups: 1 each.
				5),
		},
	}))
}

// accExpectRequests is a query check on a request counter.
func accExpectRequests(count func() int64, want int64) querycheck.QueryResultCheck {
	return requestCountCheck{count: count, want: want}
}

type requestCountCheck struct {
	count func() int64
	want  int64
}

func (c requestCountCheck) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	if got := c.count(); got != c.want {
		resp.Error = fmt.Errorf("%d list requests, want %d", got, c.want)
	}
}

// TestAccRunnerListResource_permissionError: GET /runners/all needs an
// administrator; the query fails with the data source's explanation.
func TestAccRunnerListResource_permissionError(t *testing.T) {
	tg := acctest.Get(t)
	accRequireQuery(t)
	_, token := tg.NewUser(t, "api")
	resource.Test(t, accQueryCase(t, tg.ProviderConfigWithToken(token), `
list "gitlabci_runner" "everything" {
  provider = gitlabci
  config {
    all = true
  }
}
`, resource.TestStep{
		ExpectError: regexp.MustCompile(`(?s)Cannot list all runners.*not an administrator`),
	}))
}

// TestAccRunnerListResource_invalidConfig: contradictory scopes and bad
// filter values fail at validation, before any request.
func TestAccRunnerListResource_invalidConfig(t *testing.T) {
	tg := acctest.Get(t)
	accRequireQuery(t)
	for name, tc := range map[string]struct{ config, want string }{
		"two scopes":  {`all = true` + "\n    group = \"acme\"", `(?s)Conflicting runner list scopes`},
		"bad status":  {`status = "paused"`, `(?s)status.*value must be one of`},
		"bad prefix":  {`version_prefix = "v17"`, `(?s)must be digits separated by dots`},
		"comma tag":   {`tag_list = ["a,b"]`, `(?s)must not contain a comma`},
		"bad project": {`project = "no-namespace"`, `(?s)Invalid project reference`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, accQueryCase(t, tg.ProviderConfig(), fmt.Sprintf(`
list "gitlabci_runner" "bad" {
  provider = gitlabci
  config {
    %s
  }
}
`, tc.config), resource.TestStep{ExpectError: regexp.MustCompile(tc.want)}))
		})
	}
}

// TestAccProjectRunnerAssignmentListResource_assignments: a runner's
// assignments, without its owner project (the token is an administrator's).
func TestAccProjectRunnerAssignmentListResource_assignments(t *testing.T) {
	tg := acctest.Get(t)
	accRequireQuery(t)
	tg.RequireSim(t)
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	a := tg.NewProject(t, group)
	b := tg.NewProject(t, group)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &owner.ID, RunnerSettings: gitlab.RunnerSettings{Locked: ptr(false)}})
	for _, p := range []*gitlab.Project{a, b} {
		if _, err := tg.Client.AssignRunnerToProject(acctest.Context(t), strconv.FormatInt(p.ID, 10), runner.ID); err != nil {
			t.Fatal(err)
		}
	}
	groupRunner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeGroup, GroupID: &group.ID})
	ident := func(p *gitlab.Project) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"project_id": knownvalue.Int64Exact(p.ID), "runner_id": knownvalue.Int64Exact(runner.ID)}
	}
	resource.Test(t, accQueryCase(t, tg.ProviderConfig(), fmt.Sprintf(`
list "gitlabci_project_runner_assignment" "r" {
  provider         = gitlabci
  include_resource = true
  config {
    runner_id = %d
  }
}
`, runner.ID), resource.TestStep{
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("gitlabci_project_runner_assignment.r", 2),
			querycheck.ExpectIdentity("gitlabci_project_runner_assignment.r", ident(a)),
			querycheck.ExpectIdentity("gitlabci_project_runner_assignment.r", ident(b)),
			querycheck.ExpectResourceDisplayName("gitlabci_project_runner_assignment.r", queryfilter.ByResourceIdentity(ident(a)),
				knownvalue.StringExact(fmt.Sprintf("%s: runner #%d", a.PathWithNamespace, runner.ID))),
			querycheck.ExpectResourceKnownValues("gitlabci_project_runner_assignment.r", queryfilter.ByResourceIdentity(ident(b)),
				[]querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("project"), KnownValue: knownvalue.StringExact(strconv.FormatInt(b.ID, 10))},
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(fmt.Sprintf("%d:%d", b.ID, runner.ID))},
				}),
		},
	}))

	t.Run("group runner", func(t *testing.T) {
		resource.Test(t, accQueryCase(t, tg.ProviderConfig(), fmt.Sprintf(`
list "gitlabci_project_runner_assignment" "g" {
  provider = gitlabci
  config {
    runner_id = %d
  }
}
`, groupRunner.ID), resource.TestStep{ExpectError: regexp.MustCompile(`(?s)Not a project runner`)}))
	})
}
