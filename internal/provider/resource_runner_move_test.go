package provider_test

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// Moves across providers need MoveResourceState: Terraform 1.8 and later.
// OpenTofu reports its own version, and these moves were verified on
// OpenTofu 1.12, so it is held to that.
func accMoveVersionChecks() []tfversion.TerraformVersionCheck {
	if acctest.IsOpenTofu() {
		return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version.Must(version.NewVersion("1.12.0")))}
	}
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
}

// accRequireMoves skips, with the reason, on CLIs that cannot move state
// across providers, before any fixture is made.
func accRequireMoves(t *testing.T) {
	t.Helper()
	v := accCLIVersionLine()
	if acctest.IsOpenTofu() && !accCLIAtLeast(v, 1, 12) {
		t.Skipf("moves from GitLab's provider are tested on OpenTofu 1.12 and later; the CLI under test is %s", v)
	}
	if !acctest.IsOpenTofu() && !accCLIAtLeast(v, 1, 8) {
		t.Skipf("moving state across providers (MoveResourceState) needs Terraform 1.8 or later; the CLI under test is %s", v)
	}
}

// accWriteRequests counts the simulator's requests that are not reads.
func accWriteRequests(tg *acctest.Target) int64 {
	var n int64
	for route, c := range tg.Sim.Stats().ByRoute {
		if !strings.HasPrefix(route, "GET ") && !strings.HasPrefix(route, "HEAD ") {
			n += c
		}
	}
	return n
}

// accMoveCase is a test that starts from a state written by GitLab's
// provider and applies config, which moves it; the move must write nothing
// to GitLab, and plugin-testing's plan after the apply must be empty.
func accMoveCase(t *testing.T, tg *acctest.Target, source []acctest.LegacyResource, config string,
	planChecks []plancheck.PlanCheck, stateChecks []statecheck.StateCheck) resource.TestCase {
	t.Helper()
	base := t.TempDir()
	var writesBefore int64
	return resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   accMoveVersionChecks(),
		WorkingDir:               base,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if err := acctest.WriteLegacyState(t, base, source...); err != nil {
					t.Fatal(err)
				}
				writesBefore = accWriteRequests(tg)
			},
			Config:            tg.ProviderConfig() + config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: planChecks},
			ConfigStateChecks: stateChecks,
			Check: func(*terraform.State) error {
				if n := accWriteRequests(tg) - writesBefore; n != 0 {
					return fmt.Errorf("the move sent %d requests that write to GitLab, want none: %v", n, tg.Sim.Stats().ByRoute)
				}
				return nil
			},
		}},
	}
}

func accHCLStrings(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// TestAccRunnerMove_fromUserRunner: a runner GitLab's provider created with
// gitlab_user_runner moves with its token, no replacement and no write.
func TestAccRunnerMove_fromUserRunner(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	accRequireMoves(t)
	acctest.UseStandInGitLabProvider(t)
	project := tg.NewProject(t, nil)
	desc := acctest.RandomName("moved")
	tags := []string{"moved", "docker"}
	created := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &project.ID, RunnerSettings: gitlab.RunnerSettings{Description: &desc, TagList: &tags, Locked: ptr(false), RunUntagged: ptr(false), AccessLevel: ptr(gitlab.AccessLevelRefProtected), MaximumTimeout: gitlab.Some(int64(3600))}})
	sortedTags := append([]string{}, tags...)
	sort.Strings(sortedTags)
	source := acctest.LegacyResource{
		Type: "gitlab_user_runner", Name: "r", Provider: acctest.OfficialProviderAddress(),
		Attributes: map[string]any{
			"id": strconv.FormatInt(created.ID, 10), "runner_type": "project_type", "group_id": nil,
			"project_id": project.ID, "description": desc, "paused": false, "locked": false, "untagged": false,
			"tag_list": tags, "access_level": "ref_protected", "maximum_timeout": 3600, "maintenance_note": "",
			"token": created.Token,
			// Not in the official schema as of 17.x; a later release or a fork
			// may record it, and then it is kept.
			"token_expires_at": "2031-06-01T00:00:00Z",
		},
		SensitivePaths: []string{"token"},
	}
	config := fmt.Sprintf(`
resource "gitlabci_runner" "r" {
  runner_type     = "project_type"
  project_id      = %d
  description     = %q
  tag_list        = %s
  run_untagged    = false
  access_level    = "ref_protected"
  maximum_timeout = 3600
}

moved {
  from = gitlab_user_runner.r
  to   = gitlabci_runner.r
}
`, project.ID, desc, accHCLStrings(sortedTags))
	resource.Test(t, accMoveCase(t, tg, []acctest.LegacyResource{source}, config,
		[]plancheck.PlanCheck{plancheck.ExpectResourceAction("gitlabci_runner.r", plancheck.ResourceActionNoop)},
		[]statecheck.StateCheck{
			statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("id"), knownvalue.StringExact(strconv.FormatInt(created.ID, 10))),
			statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("token"), knownvalue.StringExact(created.Token)),
			// The same instant, written as GitLab writes times (UTC, milliseconds).
			statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("token_expires_at"), knownvalue.StringExact("2031-06-01T00:00:00.000Z")),
			statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("is_shared"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("created_at"), knownvalue.NotNull()),
		}))
}

// TestAccRunnerMove_configDiffersUpdatesInPlace: where the new
// configuration differs from GitLab the first plan updates the moved runner
// in place (never replaces it), and the token survives the update.
func TestAccRunnerMove_configDiffersUpdatesInPlace(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	accRequireMoves(t)
	acctest.UseStandInGitLabProvider(t)
	desc := acctest.RandomName("before")
	created := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance, RunnerSettings: gitlab.RunnerSettings{Description: &desc}})
	base := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		WorkingDir:               base,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				err := acctest.WriteLegacyState(t, base, acctest.LegacyResource{
					Type: "gitlab_user_runner", Name: "r", Provider: acctest.OfficialProviderAddress(),
					Attributes: map[string]any{
						"id": strconv.FormatInt(created.ID, 10), "runner_type": "instance_type", "description": desc,
						"paused": false, "locked": false, "untagged": true, "tag_list": []string{}, "token": created.Token,
					},
				})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config: tg.ProviderConfig() + `
resource "gitlabci_runner" "r" {
  runner_type = "instance_type"
  description = "after the move"
  paused      = true
}

moved {
  from = gitlab_user_runner.r
  to   = gitlabci_runner.r
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("gitlabci_runner.r", plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("token"), knownvalue.StringExact(created.Token)),
				statecheck.ExpectKnownValue("gitlabci_runner.r", tfjsonpath.New("id"), knownvalue.StringExact(strconv.FormatInt(created.ID, 10))),
			},
			Check: accCheckRunnerAPI(tg, "gitlabci_runner.r", func(r *gitlab.RunnerDetails) error {
				if r.Description != "after the move" || !r.Paused {
					return fmt.Errorf("GitLab has description %q, paused %v; want the new configuration", r.Description, r.Paused)
				}
				return nil
			}),
		}},
	})
}

// TestAccRunnerMove_fromRegistrationTokenRunner: gitlab_runner (removed in
// GitLab's provider 19.0) knows neither the scope nor the group; Read learns
// them from GitLab, so a configuration by scope plans clean.
func TestAccRunnerMove_fromRegistrationTokenRunner(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	accRequireMoves(t)
	acctest.UseStandInGitLabProvider(t)
	group := tg.NewGroup(t, nil)
	desc := acctest.RandomName("legacy")
	tags := []string{"legacy"}
	created := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeGroup, GroupID: &group.ID, RunnerSettings: gitlab.RunnerSettings{Description: &desc, TagList: &tags, Paused: ptr(true), Locked: ptr(false), RunUntagged: ptr(true), AccessLevel: ptr(gitlab.AccessLevelNotProtected)}})
	source := acctest.LegacyResource{
		Type: "gitlab_runner", Name: "legacy", Provider: acctest.OfficialProviderAddress(),
		Attributes: map[string]any{
			"id": strconv.FormatInt(created.ID, 10), "registration_token": "GR1348941registration-token",
			"description": desc, "paused": true, "locked": false, "run_untagged": true, "tag_list": tags,
			"access_level": "not_protected", "maximum_timeout": 0, "authentication_token": created.Token,
			"status": "never_contacted",
		},
		SensitivePaths: []string{"registration_token", "authentication_token"},
	}
	config := fmt.Sprintf(`
resource "gitlabci_runner" "legacy" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
  paused      = true
  tag_list    = ["legacy"]
}

moved {
  from = gitlab_runner.legacy
  to   = gitlabci_runner.legacy
}
`, group.ID, desc)
	resource.Test(t, accMoveCase(t, tg, []acctest.LegacyResource{source}, config,
		[]plancheck.PlanCheck{plancheck.ExpectResourceAction("gitlabci_runner.legacy", plancheck.ResourceActionNoop)},
		[]statecheck.StateCheck{
			statecheck.ExpectKnownValue("gitlabci_runner.legacy", tfjsonpath.New("token"), knownvalue.StringExact(created.Token)),
			statecheck.ExpectKnownValue("gitlabci_runner.legacy", tfjsonpath.New("runner_type"), knownvalue.StringExact("group_type")),
			statecheck.ExpectKnownValue("gitlabci_runner.legacy", tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
			statecheck.ExpectKnownValue("gitlabci_runner.legacy", tfjsonpath.New("registration_token"), knownvalue.Null()),
		}))
}

// TestAccRunnerMove_rejectsUnsupportedSources: a resource of another
// provider, or another type of GitLab's provider, is refused with a message
// naming what is supported. The second step removes the unconvertible
// resource from the state so the final destroy can run.
func TestAccRunnerMove_rejectsUnsupportedSources(t *testing.T) {
	tg := acctest.Get(t)
	accRequireMoves(t)
	acctest.UseStandInGitLabProvider(t)
	for _, tc := range []struct {
		name   string
		source acctest.LegacyResource
		want   string
	}{
		{"other provider", acctest.LegacyResource{
			Type: "gitlab_user_runner", Name: "r", Provider: acctest.UnsupportedProviderAddress,
			Attributes: map[string]any{"id": "1", "runner_type": "instance_type", "token": "glrt-x"},
		}, `(?s)Unsupported move source provider.*gitlabci_runner accepts moves only from.*gitlab_user_runner.*gitlab_runner`},
		{"other type", acctest.LegacyResource{
			Type: "gitlab_project", Name: "r", Provider: acctest.OfficialProviderAddress(),
			Attributes: map[string]any{"id": "1", "name": "p"},
		}, `(?s)Unsupported move source resource type.*gitlab_project`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   accMoveVersionChecks(),
				WorkingDir:               base,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							if err := acctest.WriteLegacyState(t, base, tc.source); err != nil {
								t.Fatal(err)
							}
						},
						Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "r" {
  runner_type = "instance_type"
}

moved {
  from = %s.r
  to   = gitlabci_runner.r
}
`, tc.source.Type),
						ExpectError: regexp.MustCompile(tc.want),
					},
					{
						PreConfig: func() {
							if err := acctest.WriteLegacyState(t, base); err != nil {
								t.Fatal(err)
							}
						},
						Config: tg.ProviderConfig(),
					},
				},
			})
		})
	}
}
