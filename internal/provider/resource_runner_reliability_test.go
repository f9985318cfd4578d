package provider_test

// Reliability under faults (issue 11): with the simulator failing every Nth
// request, losing answers after applying them, or garbling create answers,
// one apply must converge, nothing may be orphaned or duplicated, destroy
// must leave nothing, and no id GitLab did not give may reach state.
//
// Every test runs against its own simulator (isolatedSimTarget): the
// periodic faults count every request, and another test's requests would
// shift them. Which request lands on every Nth depends on how the CLI's
// concurrent operations interleave, so by chance the same retried request
// could be faulted more times in a row than the retries configured below
// (CI once saw a lookup answered 429 seven times in a row):
// FaultConfig.MaxRepeatFaults lets an identical request through after
// faultStreak faults in a row, so every request succeeds within its retries
// however the operations are scheduled, while the faults stay as frequent.
// The CLI's default -parallelism is 10; terraform-plugin-testing
// cannot change it (terraform-exec drops TF_CLI_ARGS*), so "parallelism 10"
// below is that default.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// reliabilityConfig is count project runners; desc "" gives each its own
// description, anything else gives them all that one.
func reliabilityConfig(tg *acctest.Target, projectID int64, count int, desc string) string {
	d := `"r-${count.index}"`
	if desc != "" {
		d = strconv.Quote(desc)
	}
	// retries = 6: under 500-every-5th at parallelism 10 a GET fails three
	// times in a row often enough to make 2 retries flaky.
	return fmt.Sprintf(`
provider "gitlabci" {
  base_url = %q
  token    = %q
  retries  = 6
}

resource "gitlabci_runner" "r" {
  count       = %d
  runner_type = "project_type"
  project_id  = %d
  description = %s
}
`, tg.BaseURL, tg.Token, count, projectID, d)
}

// withoutFaults runs f with the simulator's rules suspended, so the checks
// see GitLab as it is, and puts the rules back (their counters restart).
func withoutFaults(srv *gitlabsim.Server, rules []gitlabsim.FaultRule, f func() error) error {
	srv.ClearFaults()
	defer srv.InjectFaults(rules...)
	return f()
}

// projectRunnerIDs lists the project's runners straight from GitLab.
func projectRunnerIDs(tg *acctest.Target, projectID int64) ([]int64, error) {
	rs, err := tg.Client.ListProjectRunners(context.Background(), strconv.FormatInt(projectID, 10),
		gitlab.ListRunnersOptions{Type: gitlab.RunnerTypeProject})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids, nil
}

// stateRunnerIDs lists the runner ids in state, refusing anything GitLab
// cannot have given (0, not a number).
func stateRunnerIDs(s *terraform.State) ([]int64, error) {
	var ids []int64
	for addr, rs := range s.RootModule().Resources {
		if rs.Type != "gitlabci_runner" {
			continue
		}
		id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%s has id %q, which GitLab never gives", addr, rs.Primary.ID)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// checkOneRunnerPerInstance: exactly want runners in GitLab, the same ones
// as in state, no two instances sharing one.
func checkOneRunnerPerInstance(tg *acctest.Target, srv *gitlabsim.Server, rules []gitlabsim.FaultRule, projectID int64, want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return withoutFaults(srv, rules, func() error {
			inState, err := stateRunnerIDs(s)
			if err != nil {
				return err
			}
			inGitLab, err := projectRunnerIDs(tg, projectID)
			if err != nil {
				return err
			}
			if len(inState) != want || len(slices.Compact(slices.Clone(inState))) != want {
				return fmt.Errorf("%d runner ids in state (%d distinct), want %d", len(inState), len(slices.Compact(slices.Clone(inState))), want)
			}
			if !slices.Equal(inState, inGitLab) {
				return fmt.Errorf("GitLab has %d runners, state %d: orphans or duplicates (GitLab %v, state %v)",
					len(inGitLab), len(inState), inGitLab, inState)
			}
			return nil
		})
	}
}

func checkNoRunnersLeft(tg *acctest.Target, srv *gitlabsim.Server, rules []gitlabsim.FaultRule, projectID int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return withoutFaults(srv, rules, func() error {
			ids, err := projectRunnerIDs(tg, projectID)
			if err != nil {
				return err
			}
			if len(ids) != 0 {
				return fmt.Errorf("destroy left %d runners behind: %v", len(ids), ids)
			}
			return nil
		})
	}
}

// faultStreak is the most faults in a row one request sees; below the
// retries (6) of reliabilityConfig.
const faultStreak = 3

// checkFaultsHappened: the faults really were injected (at least one per
// ten runners), so the streak limit did not leave GitLab healthy.
func checkFaultsHappened(t *testing.T, srv *gitlabsim.Server, count int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		st := srv.Stats()
		var n int64
		for k, v := range st.Faults {
			if k != gitlabsim.FaultLatency {
				n += v
			}
		}
		t.Logf("%d requests, %d faulted: %v", st.Requests, n, st.Faults)
		if want := int64(max(1, count/10)); n < want {
			return fmt.Errorf("only %d requests faulted (%v), want at least %d", n, st.Faults, want)
		}
		return nil
	}
}

// runConvergence applies count runners under rules in one apply, checks
// the result, expects an empty plan next, and destroys under the same rules.
func runConvergence(t *testing.T, count int, desc string, rules []gitlabsim.FaultRule) {
	tg := isolatedSimTarget(t, gitlabsim.Options{Faults: gitlabsim.FaultConfig{MaxRepeatFaults: faultStreak}})
	srv := tg.Sim
	project := tg.NewProject(t, nil)
	cfg := reliabilityConfig(tg, project.ID, count, desc)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoRunnersLeft(tg, srv, rules, project.ID),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { srv.InjectFaults(rules...) },
				Config:    cfg,
				Check: resource.ComposeTestCheckFunc(
					checkFaultsHappened(t, srv, count),
					checkOneRunnerPerInstance(tg, srv, rules, project.ID, count),
				),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

var (
	faultsError500Every5th = []gitlabsim.FaultRule{{Kind: gitlabsim.FaultError500, Every: 5}}
	faultsLostEvery7th     = []gitlabsim.FaultRule{{Kind: gitlabsim.FaultLoseResponse, Every: 7}}
	// faultsAllAtOnce is every fault the provider must absorb without an
	// error, together (the first matching rule wins a request): server
	// errors not applied, lost answers applied, resets before the request,
	// throttling, and create answers garbled after the runner was created.
	faultsAllAtOnce = []gitlabsim.FaultRule{
		{Kind: gitlabsim.FaultError500, Every: 5},
		{Kind: gitlabsim.FaultLoseResponse, Every: 7},
		{Kind: gitlabsim.FaultRateLimit, Every: 13, RetryAfter: 1},
		{Kind: gitlabsim.FaultError502, Every: 17},
		{Kind: gitlabsim.FaultConnReset, Every: 19},
		{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultTruncatedJSON, Every: 3},
		{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultStringID, Every: 4},
		{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultEmptyBody, Every: 11},
	}
)

// Issue 11 point 1: a create answered 500 that provably created nothing is
// retried within the same apply.
func TestAccRunnerReliability_count10Error500Every5th(t *testing.T) {
	runConvergence(t, 10, "", faultsError500Every5th)
}

func TestAccRunnerReliability_count100Error500Every5th(t *testing.T) {
	runConvergence(t, 100, "", faultsError500Every5th)
}

func TestAccRunnerReliability_count100LostEvery7th(t *testing.T) {
	runConvergence(t, 100, "", faultsLostEvery7th)
}

func TestAccRunnerReliability_count100AllFaultsAtOnce(t *testing.T) {
	runConvergence(t, 100, "", faultsAllAtOnce)
}

// Issue 11 point 2: identical runners under lost responses. Candidates that
// match the whole request are interchangeable; each instance must end up
// with its own.
func TestAccRunnerReliability_identical20LostResponses(t *testing.T) {
	runConvergence(t, 20, "same", []gitlabsim.FaultRule{
		{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultLoseResponse, Every: 3},
	})
}

// Issue 11 point 3: a 2xx create answer that cannot be decoded is an
// unknown outcome: the runner GitLab created is adopted, and no id GitLab
// did not give (0) reaches state.
func TestAccRunnerReliability_undecodableCreateAnswerAdopted(t *testing.T) {
	for _, kind := range []gitlabsim.FaultKind{gitlabsim.FaultTruncatedJSON, gitlabsim.FaultNullBody, gitlabsim.FaultEmptyBody, gitlabsim.FaultStringID} {
		t.Run(string(kind), func(t *testing.T) {
			tg := isolatedSimTarget(t, gitlabsim.Options{})
			srv := tg.Sim
			project := tg.NewProject(t, nil)
			desc := acctest.RandomName("runner")
			cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", desc))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             checkNoRunnersLeft(tg, srv, nil, project.ID),
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: kind})
						},
						Config: cfg,
						Check: resource.ComposeTestCheckFunc(
							checkOneRunnerPerInstance(tg, srv, nil, project.ID, 1),
							func(*terraform.State) error {
								if n := srv.Stats().ByRoute[accRunnerCreateRoute]; n != 1 {
									return fmt.Errorf("%d POST /user/runners, want 1: the runner was created, adopt it", n)
								}
								return nil
							},
						),
					},
					{
						Config:           cfg,
						ConfigPlanChecks: expectEmptyPlan,
					},
				},
			})
		})
	}
}

// Issue 11 point 8: a registration token reset outside Terraform is seen by
// Read through runners_token of GET /projects/:id and GET /groups/:id
// (lib/api/entities/project.rb, lib/api/entities/group_detail.rb), and the
// plan shows the reset again.
func TestAccRegistrationTokenReset_resetOutsideTerraform(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{RegistrationTokensEnabled: true})
	srv := tg.Sim
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	const (
		groupAddr   = "gitlabci_registration_token_reset.group"
		projectAddr = "gitlabci_registration_token_reset.project"
	)
	cfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_registration_token_reset" "group" {
  group = %q
}

resource "gitlabci_registration_token_reset" "project" {
  project = %q
}
`, strconv.FormatInt(group.ID, 10), strconv.FormatInt(project.ID, 10))
	var outsideGroup, outsideProject string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					regTokenIs(srv, groupAddr, "group", group.ID),
					regTokenIs(srv, projectAddr, "project", project.ID),
				),
			},
			{
				PreConfig: func() {
					ctx := context.Background()
					g, err := tg.Client.ResetGroupRegistrationToken(ctx, strconv.FormatInt(group.ID, 10))
					if err != nil {
						t.Fatal(err)
					}
					p, err := tg.Client.ResetProjectRegistrationToken(ctx, strconv.FormatInt(project.ID, 10))
					if err != nil {
						t.Fatal(err)
					}
					outsideGroup, outsideProject = g.Token, p.Token
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
				}},
				Check: resource.ComposeTestCheckFunc(
					regTokenIs(srv, groupAddr, "group", group.ID),
					regTokenIs(srv, projectAddr, "project", project.ID),
					func(*terraform.State) error {
						if srv.RegistrationToken("group", group.ID) == outsideGroup || srv.RegistrationToken("project", project.ID) == outsideProject {
							return fmt.Errorf("the tokens reset outside Terraform were not reset again")
						}
						return nil
					},
				),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

// Issue 11 point 9: an empty import id gets the same clear message as any
// other bad id, not the framework's "Value Conversion Error".
func TestAccRunnerResource_emptyImportID(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", acctest.RandomName("runner")))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:      accRunnerAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "", nil },
				ExpectError:       accRunnerWordsRe(`"" is not a runner id`),
			},
		},
	})
}

func TestAccProjectRunnerAssignment_emptyImportID(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	second := tg.NewProject(t, group)
	runner := newProjectRunner(t, tg, owner, false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: assignmentConfig(tg, strconv.FormatInt(second.ID, 10), runner.ID)},
			{
				ResourceName:      assignmentAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "", nil },
				ExpectError:       regexp.MustCompile(`(?s)Invalid import id.*<project>:<runner_id>`),
			},
		},
	})
}

// Issue 11 point 4: a 200 whose body is null is an error naming the
// endpoint, never runner 0 with an empty description.
func TestAccRunnerDataSource_nullBodyIsError(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{})
	srv := tg.Sim
	ids, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeInstance, Description: "seeded"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: "/api/v4/runners/" + strconv.FormatInt(ids[0], 10),
					Kind: gitlabsim.FaultNullBody, Every: 1})
			},
			Config:      tg.ProviderConfig() + fmt.Sprintf("data \"gitlabci_runner\" \"r\" {\n  id = %d\n}\n", ids[0]),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`/runners/%d`, ids[0])),
		}},
	})
}

// Issue 11 point 5: an HTML 404 from a proxy or maintenance page does not
// mean the runner is gone; refresh must fail saying what came back, not
// drop the runner from state (the next apply would create a duplicate).
func TestAccRunnerResource_html404IsNotGone(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{})
	srv := tg.Sim
	project := tg.NewProject(t, nil)
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", acctest.RandomName("runner")))
	var last accRunnerLastID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: cfg, Check: last.capture(accRunnerAddr)},
			{
				PreConfig: func() {
					srv.InjectFault(gitlabsim.FaultRule{Path: "/api/v4/runners/" + strconv.FormatInt(last.id, 10),
						Kind: gitlabsim.FaultHTML404, Every: 1, Count: 50})
				},
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?is)404.*html`),
			},
			{
				PreConfig:        func() { srv.ClearFaults() },
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

// Issue 11 point 2: the token reset that follows an adoption may lose its
// answer too; resetting by id is safe to repeat, so it is sent again and
// the token in state is the runner's current one.
func TestAccRunnerReliability_adoptionTokenResetLost(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{})
	srv := tg.Sim
	project := tg.NewProject(t, nil)
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", acctest.RandomName("runner")))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoRunnersLeft(tg, srv, nil, project.ID),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				srv.InjectFaults(
					gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultLoseResponse},
					// POST /runners/:id/reset_authentication_token, the only POST under /runners/ here.
					gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/runners/*", Kind: gitlabsim.FaultLoseResponse},
				)
			},
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				checkOneRunnerPerInstance(tg, srv, nil, project.ID, 1),
				func(s *terraform.State) error {
					if n := srv.Stats().Faults[gitlabsim.FaultLoseResponse]; n != 2 {
						return fmt.Errorf("the lost-response faults fired %d times, want 2", n)
					}
					rs := s.RootModule().Resources[accRunnerAddr]
					id, _ := strconv.ParseInt(rs.Primary.ID, 10, 64)
					if tok, ok := srv.RunnerToken(id); !ok || tok != rs.Primary.Attributes["token"] {
						return fmt.Errorf("the token in state is not the runner's current token")
					}
					return nil
				},
			),
		}},
	})
}

// A registration token reset whose answer is lost is sent again: the last
// reset's token is the one in state.
func TestAccRegistrationTokenReset_lostAnswerRepeated(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{RegistrationTokensEnabled: true})
	srv := tg.Sim
	project := tg.NewProject(t, nil)
	const addr = "gitlabci_registration_token_reset.project"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				srv.InjectFault(gitlabsim.FaultRule{Method: "POST",
					Path: fmt.Sprintf("/api/v4/projects/%d/runners/reset_registration_token", project.ID),
					Kind: gitlabsim.FaultLoseResponse})
			},
			Config: tg.ProviderConfig() + fmt.Sprintf("resource \"gitlabci_registration_token_reset\" \"project\" {\n  project = %q\n}\n",
				strconv.FormatInt(project.ID, 10)),
			Check: resource.ComposeTestCheckFunc(
				regTokenIs(srv, addr, "project", project.ID),
				func(*terraform.State) error {
					if n := srv.Stats().Faults[gitlabsim.FaultLoseResponse]; n != 1 {
						return fmt.Errorf("the lost-response fault fired %d times, want 1", n)
					}
					return nil
				},
			),
		}},
	})
}

// Issue 11 point 3, legacy registration: a 201 to POST /runners without a
// runner id never puts id 0 in state; the error says the runner may exist.
// The simulator applied the registration, so the test deletes that runner.
func TestAccRunnerResource_registerNullAnswerNoIDZero(t *testing.T) {
	tg := isolatedSimTarget(t, gitlabsim.Options{RegistrationTokensEnabled: true})
	srv := tg.Sim
	group := tg.NewGroup(t, nil)
	desc := acctest.RandomName("runner")
	cfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  registration_token = %q
  description        = %q
}
`, srv.RegistrationToken("group", group.ID), desc)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/runners", Kind: gitlabsim.FaultNullBody})
			},
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Runner registration outcome unknown.*may\s+have\s+been\s+registered`),
		}},
	})
	rs, err := tg.Client.ListGroupRunners(context.Background(), strconv.FormatInt(group.ID, 10), gitlab.ListRunnersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Description == desc {
			if err := tg.Client.DeleteRunner(context.Background(), r.ID); err != nil {
				t.Errorf("cleanup runner %d: %v", r.ID, err)
			}
		}
	}
}
