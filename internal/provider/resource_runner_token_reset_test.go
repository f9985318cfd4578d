package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

const tokenResetAddr = "gitlabci_runner_token_reset.test"

var authTokenRe = regexp.MustCompile(`^glrt-`)

// isolatedSimTarget starts a simulator of the test's own, for tests that
// change instance-wide settings (token expiry, registration tokens) or move
// the clock: on the shared simulator that would disturb every other test.
// It skips on a real GitLab, like RequireSim.
func isolatedSimTarget(t *testing.T, opts gitlabsim.Options) *acctest.Target {
	t.Helper()
	acctest.Get(t).RequireSim(t)
	srv, err := gitlabsim.Start(opts)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: srv.AdminToken, UserAgent: "tfacc-isolated", Retries: 3})
	if err != nil {
		t.Fatal(err)
	}
	return &acctest.Target{BaseURL: srv.URL, Token: srv.AdminToken, Client: c, Sim: srv}
}

// lateString is a configuration variable whose value is read when the step
// runs, so a step can feed back a token an earlier step issued.
type lateString struct{ v *string }

func (l lateString) MarshalJSON() ([]byte, error) { return json.Marshal(*l.v) }

// stateToken copies the issued token out of the state.
func stateToken(addr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		*into = rs.Primary.Attributes["token"]
		if *into == "" {
			return fmt.Errorf("%s has no token", addr)
		}
		return nil
	}
}

// tokenRejected asserts that GitLab no longer accepts a runner token
// (POST /runners/verify answers 403 for unknown tokens).
func tokenRejected(tg *acctest.Target, token *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := tg.Client.VerifyRunner(context.Background(), *token, "tfacc-system")
		if !gitlab.IsForbidden(err) {
			return fmt.Errorf("the rotated-away token still verifies (err %w)", err)
		}
		return nil
	}
}

// tokenAccepted asserts that GitLab accepts the token as runnerID's (0:
// any runner).
func tokenAccepted(tg *acctest.Target, token *string, runnerID int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := tg.Client.VerifyRunner(context.Background(), *token, "tfacc-system")
		if err != nil {
			return fmt.Errorf("the issued token does not verify: %w", err)
		}
		if runnerID != 0 && got.ID != runnerID {
			return fmt.Errorf("the issued token belongs to runner %d, want %d", got.ID, runnerID)
		}
		return nil
	}
}

func tokenResetByID(tg *acctest.Target, runnerID int64, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner_token_reset" "test" {
  runner_id = %d
%s
}
`, runnerID, extra)
}

// TestAccRunnerTokenReset_byRunnerID: rotation by id with the user token;
// triggers rotate again, rotate_before alone updates in place, and destroy
// leaves the last token valid.
func TestAccRunnerTokenReset_byRunnerID(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	original, first, second := runner.Token, "", ""
	rotated := statecheck.CompareValue(compare.ValuesDiffer())
	kept := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Destroy only forgets: the last token keeps working.
		CheckDestroy: tokenAccepted(tg, &second, runner.ID),
		Steps: []resource.TestStep{
			{
				Config: tokenResetByID(tg, runner.ID, `  triggers = { n = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(tokenResetAddr, tfjsonpath.New("token")),
					plancheck.ExpectSensitiveValue(tokenResetAddr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(authTokenRe)),
					statecheck.ExpectSensitiveValue(tokenResetAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("runner_id"), knownvalue.Int64Exact(runner.ID)),
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("current_token"), knownvalue.Null()),
					rotated.AddStateValue(tokenResetAddr, tfjsonpath.New("token")),
				},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &first),
					tokenRejected(tg, &original),
					tokenAccepted(tg, &first, runner.ID),
				),
			},
			{
				Config:           tokenResetByID(tg, runner.ID, `  triggers = { n = "1" }`),
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				Config: tokenResetByID(tg, runner.ID, `  triggers = { n = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					rotated.AddStateValue(tokenResetAddr, tfjsonpath.New("token")),
					kept.AddStateValue(tokenResetAddr, tfjsonpath.New("token")),
				},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &second),
					tokenRejected(tg, &first),
					tokenAccepted(tg, &second, runner.ID),
				),
			},
			{
				// A one-minute window: no real token is that close to expiry.
				Config: tokenResetByID(tg, runner.ID, "  triggers = { n = \"2\" }\n  rotate_before = \"1m\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("1m")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					kept.AddStateValue(tokenResetAddr, tfjsonpath.New("token")),
				},
				Check: tokenAccepted(tg, &second, runner.ID),
			},
		},
	})
}

// TestAccRunnerTokenReset_runnerDeleted: the runner deleted outside
// Terraform drops the rotation from state, so the plan shows a new one.
func TestAccRunnerTokenReset_runnerDeleted(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	cfg := tokenResetByID(tg, runner.ID, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := tg.Client.GetRunner(context.Background(), runner.ID); !gitlab.IsNotFound(err) {
				return fmt.Errorf("runner %d should be gone, got %w", runner.ID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := tg.Client.DeleteRunner(context.Background(), runner.ID); err != nil {
						t.Fatalf("delete runner outside Terraform: %v", err)
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func tokenResetByCurrentToken(tg *acctest.Target, extra string) string {
	return tg.ProviderConfigWithToken("") + fmt.Sprintf(`
variable "current" {
  type      = string
  sensitive = true
}

resource "gitlabci_runner_token_reset" "test" {
  current_token = var.current
%s
}
`, extra)
}

// TestAccRunnerTokenReset_currentToken rotates with the runner's own token
// and a provider without any user token (all CLIs). Feeding the issued
// token back into current_token does not rotate again; triggers do.
func TestAccRunnerTokenReset_currentToken(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	original, first, second := runner.Token, "", ""
	current := original
	vars := config.Variables{"current": lateString{&current}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             tokenAccepted(tg, &second, runner.ID),
		Steps: []resource.TestStep{
			{
				Config:          tokenResetByCurrentToken(tg, ""),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectSensitiveValue(tokenResetAddr, tfjsonpath.New("current_token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(authTokenRe)),
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("runner_id"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue(tokenResetAddr, tfjsonpath.New("current_token")),
				},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &first),
					tokenRejected(tg, &original),
					tokenAccepted(tg, &first, runner.ID),
				),
			},
			{
				Config:           tokenResetByCurrentToken(tg, ""),
				ConfigVariables:  vars,
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// The issued token fed back: recorded, not rotated.
				PreConfig:       func() { current = first },
				Config:          tokenResetByCurrentToken(tg, ""),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionUpdate),
				}},
				Check: tokenAccepted(tg, &first, runner.ID),
			},
			{
				Config:          tokenResetByCurrentToken(tg, `  triggers = { rotation = "2" }`),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &second),
					tokenRejected(tg, &first),
					tokenAccepted(tg, &second, runner.ID),
				),
			},
		},
	})
}

// TestAccRunnerTokenReset_writeOnly passes the current token write-only
// (Terraform/OpenTofu 1.11+): it never reaches the state, and bumping
// token_wo_version rotates again with the value given then.
func TestAccRunnerTokenReset_writeOnly(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	original, first, second := runner.Token, "", ""
	current := original
	vars := config.Variables{"current": lateString{&current}}
	cfg := func(version int) string {
		return tg.ProviderConfigWithToken("") + fmt.Sprintf(`
variable "current" {
  type      = string
  sensitive = true
}

resource "gitlabci_runner_token_reset" "test" {
  token_wo         = var.current
  token_wo_version = %d
}
`, version)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             tokenAccepted(tg, &second, runner.ID),
		Steps: []resource.TestStep{
			{
				Config:          cfg(1),
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(authTokenRe)),
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &first),
					tokenRejected(tg, &original),
					tokenAccepted(tg, &first, runner.ID),
				),
			},
			{
				// A new write-only value alone is invisible to the plan.
				PreConfig:        func() { current = first },
				Config:           cfg(1),
				ConfigVariables:  vars,
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// The version bump rotates, using the token now in use.
				Config:          cfg(2),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &second),
					tokenRejected(tg, &first),
					tokenAccepted(tg, &second, runner.ID),
				),
			},
		},
	})
}

// TestAccRunnerTokenReset_writeOnlyNeedsNewerCLI: before Terraform 1.11 a
// write-only value is refused instead of silently stored.
func TestAccRunnerTokenReset_writeOnlyNeedsNewerCLI(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfigWithToken("") + `
resource "gitlabci_runner_token_reset" "test" {
  token_wo = "glrt-not-sent"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`WriteOnly Attribute Not Allowed`),
			},
		},
	})
}

// TestAccRunnerTokenReset_rotateBefore: with expiring tokens, the plan
// replaces the resource once the token is within rotate_before of expiry,
// judged by GitLab's clock. Simulator only: it moves the clock.
func TestAccRunnerTokenReset_rotateBefore(t *testing.T) {
	itg := isolatedSimTarget(t, gitlabsim.Options{TokenExpiration: 24 * time.Hour})
	srv := itg.Sim
	project := itg.NewProject(t, nil)
	runner := itg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	cfg := tokenResetByID(itg, runner.ID, `  rotate_before = "2h"`)
	first, second := "", ""

	// expiresInADay checks the stored expiry is the simulator's now + 24h,
	// and that the simulator holds exactly the stored token.
	expiresInADay := func(token *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			attrs := s.RootModule().Resources[tokenResetAddr].Primary.Attributes
			exp, err := time.Parse(time.RFC3339, attrs["token_expires_at"])
			if err != nil {
				return fmt.Errorf("token_expires_at %q: %w", attrs["token_expires_at"], err)
			}
			if d := exp.Sub(srv.Now().Add(24 * time.Hour)); d > time.Minute || d < -time.Minute {
				return fmt.Errorf("token_expires_at %s is not a day after the simulator's now %s", exp, srv.Now())
			}
			if got, _ := srv.RunnerToken(runner.ID); got != *token {
				return fmt.Errorf("GitLab's current token is not the one in state")
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		// The provider judges expiry by the simulator's clock, which the
		// test moves.
		ProtoV6ProviderFactories: acctest.ProviderFactories(provider.NewWithClockForTest("acctest", srv.Now)),
		CheckDestroy: func(*terraform.State) error {
			if got, _ := srv.RunnerToken(runner.ID); got != second {
				return fmt.Errorf("destroy changed the runner's token")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenResetAddr, tfjsonpath.New("token_expires_at"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`))),
				},
				Check: resource.ComposeTestCheckFunc(stateToken(tokenResetAddr, &first), expiresInADay(&first)),
			},
			{
				// 3 hours left, outside the 2-hour window.
				PreConfig:        func() { srv.AdvanceClock(21 * time.Hour) },
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// 1 hour left: the scheduled apply rotates.
				PreConfig: func() { srv.AdvanceClock(2 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenResetAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(tokenResetAddr, tfjsonpath.New("token_expires_at")),
					plancheck.ExpectUnknownValue(tokenResetAddr, tfjsonpath.New("token")),
				}},
				Check: resource.ComposeTestCheckFunc(
					stateToken(tokenResetAddr, &second),
					expiresInADay(&second),
					tokenRejected(itg, &first),
				),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

// TestAccRunnerTokenReset_rejected: configuration mistakes fail at plan
// time; GitLab's refusals are explained at apply.
func TestAccRunnerTokenReset_rejected(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	runner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID})
	block := func(body string) string {
		return "\nresource \"gitlabci_runner_token_reset\" \"test\" {\n" + body + "\n}\n"
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// None of this touched the runner: its first token still works.
		CheckDestroy: tokenAccepted(tg, &runner.Token, runner.ID),
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfig() + block(`  triggers = { a = "b" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be\s+configured`),
			},
			{
				Config:      tg.ProviderConfig() + block(fmt.Sprintf("  runner_id = %d\n  current_token = %q", runner.ID, runner.Token)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes`),
			},
			{
				Config:      tokenResetByID(tg, runner.ID, `  rotate_before = "7d"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid rotate_before.*168h`),
			},
			{
				Config:      tokenResetByID(tg, runner.ID, `  token_wo_version = 1`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)"token_wo" must be specified`),
			},
			{
				Config:      tg.ProviderConfigWithToken("") + block(fmt.Sprintf("  runner_id = %d", runner.ID)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)runner_id needs a provider token`),
			},
			{
				Config:      tokenResetByID(tg, 2147483000, ""),
				ExpectError: regexp.MustCompile(`(?s)Cannot reset the authentication token of runner 2147483000.*Runner Not\s+Found`),
			},
			{
				Config:      tg.ProviderConfigWithToken("") + block(`  current_token = "glrt-tfacc-not-a-real-token"`),
				ExpectError: regexp.MustCompile(`(?s)GitLab does not accept the given token.*already been\s+rotated`),
			},
		},
	})
}
