package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

var registrationTokenRe = regexp.MustCompile(`^GR1348941`)

// regTokenIs asserts that the simulator's registration token of a scope is
// the one in state.
func regTokenIs(srv *gitlabsim.Server, addr, scope string, id int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		if got := srv.RegistrationToken(scope, id); got != rs.Primary.Attributes["token"] {
			return fmt.Errorf("%s: GitLab's %s registration token is not the one in state", addr, scope)
		}
		return nil
	}
}

// TestAccRegistrationTokenReset_scopes resets the instance's, a group's and
// a project's registration tokens, resets again on a trigger, notices a
// deleted project, and leaves the tokens alone on destroy. Simulator only:
// registration tokens are disabled by default since GitLab 17.0, and
// enabling them is an instance-wide setting.
func TestAccRegistrationTokenReset_scopes(t *testing.T) {
	itg := isolatedSimTarget(t, gitlabsim.Options{RegistrationTokensEnabled: true})
	srv := itg.Sim
	group := itg.NewGroup(t, nil)
	project := itg.NewProject(t, group)
	before := map[string]string{
		"instance": srv.RegistrationToken("instance", 0),
		"group":    srv.RegistrationToken("group", group.ID),
		"project":  srv.RegistrationToken("project", project.ID),
	}
	cfg := func(trigger string) string {
		return itg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_registration_token_reset" "instance" {}

resource "gitlabci_registration_token_reset" "group" {
  group = %q
}

resource "gitlabci_registration_token_reset" "project" {
  project  = %q
  triggers = { rotation = %q }
}
`, strconv.FormatInt(group.ID, 10), project.PathWithNamespace, trigger)
	}
	const (
		instanceAddr = "gitlabci_registration_token_reset.instance"
		groupAddr    = "gitlabci_registration_token_reset.group"
		projectAddr  = "gitlabci_registration_token_reset.project"
	)
	projectToken := statecheck.CompareValue(compare.ValuesDiffer())
	var instanceToken, groupToken string
	changed := func(scope string, id int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if srv.RegistrationToken(scope, id) == before[scope] {
				return fmt.Errorf("the %s registration token was not reset", scope)
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Destroy only forgets: GitLab still has the last tokens issued.
		CheckDestroy: func(*terraform.State) error {
			if srv.RegistrationToken("instance", 0) != instanceToken || srv.RegistrationToken("group", group.ID) != groupToken {
				return fmt.Errorf("destroy changed a registration token")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(projectAddr, tfjsonpath.New("token")),
					plancheck.ExpectSensitiveValue(projectAddr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(registrationTokenRe)),
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(registrationTokenRe)),
					statecheck.ExpectKnownValue(projectAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(registrationTokenRe)),
					statecheck.ExpectSensitiveValue(projectAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(instanceAddr, tfjsonpath.New("group"), knownvalue.Null()),
					statecheck.ExpectKnownValue(instanceAddr, tfjsonpath.New("project"), knownvalue.Null()),
					projectToken.AddStateValue(projectAddr, tfjsonpath.New("token")),
				},
				Check: resource.ComposeTestCheckFunc(
					changed("instance", 0), changed("group", group.ID), changed("project", project.ID),
					regTokenIs(srv, instanceAddr, "instance", 0),
					regTokenIs(srv, groupAddr, "group", group.ID),
					regTokenIs(srv, projectAddr, "project", project.ID),
					stateToken(instanceAddr, &instanceToken),
					stateToken(groupAddr, &groupToken),
				),
			},
			{
				Config:           cfg("1"),
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				Config: cfg("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(instanceAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					projectToken.AddStateValue(projectAddr, tfjsonpath.New("token")),
				},
				Check: regTokenIs(srv, projectAddr, "project", project.ID),
			},
			{
				// The project deleted outside Terraform: its reset is gone.
				PreConfig: func() {
					if err := itg.Client.DeleteProject(context.Background(), strconv.FormatInt(project.ID, 10)); err != nil {
						t.Fatalf("delete project: %v", err)
					}
				},
				Config:             cfg("2"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccRegistrationTokenReset_disabled: with registration tokens disabled
// (GitLab 17.0+ default) the error says so and what to use instead. Runs on
// a real GitLab too when its instance setting disables them (it is skipped,
// saying so, otherwise); on the simulator it uses its own instance so no
// other test can enable them.
func TestAccRegistrationTokenReset_disabled(t *testing.T) {
	tg := acctest.Get(t)
	if tg.Sim != nil {
		tg = isolatedSimTarget(t, gitlabsim.Options{})
	}
	project := tg.NewProject(t, nil)
	// A user's GitLab may allow registration tokens: read the setting.
	tg.RequireRegistrationTokensDisabled(t, project)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_registration_token_reset" "test" {
  project = %q
}
`, project.PathWithNamespace),
				ExpectError: regexp.MustCompile(`(?s)Cannot reset the registration token of project.*Registration tokens are\s+disabled.*gitlabci_runner\s+with\s+runner_type`),
			},
		},
	})
}

// TestAccRegistrationTokenReset_forbidden: a project Developer and a group
// Maintainer cannot reset; the error names the role needed. Simulator
// only: on a GitLab with registration tokens disabled the 403 would not
// show the role problem.
func TestAccRegistrationTokenReset_forbidden(t *testing.T) {
	itg := isolatedSimTarget(t, gitlabsim.Options{RegistrationTokensEnabled: true})
	group := itg.NewGroup(t, nil)
	// Not in the group: a group Maintainer would be a project Maintainer.
	project := itg.NewProject(t, nil)
	user, token := itg.NewUser(t)
	itg.AddProjectMember(t, project, user, gitlab.AccessDeveloper)
	itg.AddGroupMember(t, group, user, gitlab.AccessMaintainer)
	projectBefore := itg.Sim.RegistrationToken("project", project.ID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if itg.Sim.RegistrationToken("project", project.ID) != projectBefore {
				return fmt.Errorf("the project registration token changed")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: itg.ProviderConfigWithToken(token) + fmt.Sprintf(`
resource "gitlabci_registration_token_reset" "test" {
  project = %q
}
`, project.PathWithNamespace),
				ExpectError: regexp.MustCompile(`(?s)a\s+Maintainer\s+of\s+the\s+project.*403\s+Forbidden`),
			},
			{
				Config: itg.ProviderConfigWithToken(token) + fmt.Sprintf(`
resource "gitlabci_registration_token_reset" "test" {
  group = %q
}
`, group.FullPath),
				ExpectError: regexp.MustCompile(`(?s)an\s+Owner\s+of\s+the\s+group`),
			},
		},
	})
}

// TestAccRegistrationTokenReset_rejected: configuration mistakes fail at
// plan time without calling GitLab.
func TestAccRegistrationTokenReset_rejected(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + `
resource "gitlabci_registration_token_reset" "test" {
  group   = "some-group"
  project = "some-group/some-project"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: tg.ProviderConfig() + `
resource "gitlabci_registration_token_reset" "test" {
  project = "no-namespace"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid project reference`),
			},
			{
				Config: tg.ProviderConfigWithToken("") + `
resource "gitlabci_registration_token_reset" "test" {}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`needs a provider token`),
			},
		},
	})
}
