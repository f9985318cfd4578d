package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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
)

const accRunnerAddr = "gitlabci_runner.test"

var (
	// GitLab 18 tokens of POST /user/runners runners: glrt-, optionally a
	// partition prefix (t1_/t2_/t3_), then URL-safe characters.
	accRunnerTokenRe     = regexp.MustCompile(`^glrt-(t[123]_)?[A-Za-z0-9_-]{20,}$`)
	accRegisteredTokenRe = regexp.MustCompile(`^glrtr-[A-Za-z0-9_-]{20,}$`)
	accRFC3339Re         = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

// accRunnerWordsRe matches text the CLI may have wrapped at any space.
func accRunnerWordsRe(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// accRunnerHCLList renders a list of strings as an HCL list literal.
func accRunnerHCLList(items ...string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// accCheckRunnerDestroyed asks GitLab for every runner the test had in
// state and expects 404.
func accCheckRunnerDestroyed(tg *acctest.Target) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "gitlabci_runner" {
				continue
			}
			id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
			if err != nil {
				return fmt.Errorf("runner id %q: %w", rs.Primary.ID, err)
			}
			_, err = tg.Client.GetRunner(context.Background(), id)
			switch {
			case err == nil:
				return fmt.Errorf("runner %d still exists after destroy", id)
			case !gitlab.IsNotFound(err):
				return fmt.Errorf("checking runner %d: %w", id, err)
			}
		}
		return nil
	}
}

// accRunnerIDFromState reads the runner id of addr.
func accRunnerIDFromState(s *terraform.State, addr string) (int64, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return 0, fmt.Errorf("%s not in state", addr)
	}
	return strconv.ParseInt(rs.Primary.ID, 10, 64)
}

// accCheckRunnerAPI fetches the runner from GitLab and hands it to check.
func accCheckRunnerAPI(tg *acctest.Target, addr string, check func(*gitlab.RunnerDetails) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := accRunnerIDFromState(s, addr)
		if err != nil {
			return err
		}
		r, err := tg.Client.GetRunner(context.Background(), id)
		if err != nil {
			return err
		}
		return check(r)
	}
}

// accRunnerLastID remembers the runner of the previous step for PreConfig
// functions, which cannot see state.
type accRunnerLastID struct{ id int64 }

func (l *accRunnerLastID) capture(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := accRunnerIDFromState(s, addr)
		l.id = id
		return err
	}
}

func accProjectRunnerConfig(tg *acctest.Target, projectID int64, body string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  runner_type = "project_type"
  project_id  = %d
%s
}
`, projectID, body)
}

// TestAccRunnerResource_project walks a project runner through its whole
// life: create, no-op reorder, in-place update (including clearing
// maximum_timeout), assignments that must not diff, import, drift, deletion
// behind Terraform's back, and replacement.
func TestAccRunnerResource_project(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	other := tg.NewProject(t, group)
	desc := acctest.RandomName("runner")
	last := &accRunnerLastID{}

	sameToken := statecheck.CompareValue(compare.ValuesSame())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	create := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf(`
  description      = %q
  tag_list         = ["docker", "linux"]
  maximum_timeout  = 3600
  maintenance_note = "rack 4"
`, desc))
	reordered := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf(`
  description      = %q
  tag_list         = ["linux", "docker"]
  maximum_timeout  = 3600
  maintenance_note = "rack 4"
`, desc))
	updated := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf(`
  description  = "%s-updated"
  paused       = true
  locked       = true
  access_level = "ref_protected"
  tag_list     = ["docker", "arm64"]
`, desc))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionCreate),
					// Known at plan time, so dependents can plan with them.
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("is_shared"), knownvalue.Bool(false)),
					plancheck.ExpectUnknownValue(accRunnerAddr, tfjsonpath.New("token")),
					plancheck.ExpectSensitiveValue(accRunnerAddr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[1-9][0-9]*$`))),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("project_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact(desc)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("paused"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("locked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("run_untagged"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("access_level"), knownvalue.StringExact("not_protected")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("tag_list"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("docker"), knownvalue.StringExact("linux"),
					})),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maximum_timeout"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("rack 4")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
					statecheck.ExpectSensitiveValue(accRunnerAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token_expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("is_shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(accRFC3339Re)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("registration_token"), knownvalue.Null()),
					sameToken.AddStateValue(accRunnerAddr, tfjsonpath.New("token")),
					sameID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeTestCheckFunc(
					last.capture(accRunnerAddr),
					accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
						if r.Description != desc || r.RunnerType != "project_type" || len(r.Projects) != 1 ||
							r.Projects[0].ID != project.ID || r.MaximumTimeout == nil || *r.MaximumTimeout != 3600 {
							return fmt.Errorf("GitLab has %+v", r)
						}
						return nil
					}),
				),
			},
			{
				// Tag order never matters.
				Config:           reordered,
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// maximum_timeout and maintenance_note removed: cleared in GitLab.
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact(desc+"-updated")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("paused"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("locked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("access_level"), knownvalue.StringExact("ref_protected")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("tag_list"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("arm64"), knownvalue.StringExact("docker"),
					})),
					sameToken.AddStateValue(accRunnerAddr, tfjsonpath.New("token")),
					sameID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
				},
				Check: accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
					if r.MaximumTimeout != nil {
						return fmt.Errorf("maximum_timeout is %d in GitLab, want null", *r.MaximumTimeout)
					}
					if r.MaintenanceNote != nil && *r.MaintenanceNote != "" {
						return fmt.Errorf("maintenance_note is %q in GitLab, want none", *r.MaintenanceNote)
					}
					if !r.Paused || !r.Locked || r.AccessLevel != "ref_protected" {
						return fmt.Errorf("GitLab has %+v", r)
					}
					return nil
				}),
			},
			{
				// Assigning the runner to another project (what
				// gitlabci_project_runner_assignment does) is not drift.
				PreConfig: func() {
					if _, err := tg.Client.AssignRunnerToProject(context.Background(), strconv.FormatInt(other.ID, 10), last.id); err != nil {
						t.Fatalf("assign runner %d to project %d: %v", last.id, other.ID, err)
					}
				},
				Config:           updated,
				ConfigPlanChecks: expectEmptyPlan,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
				},
			},
			{
				ResourceName:      accRunnerAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// GitLab returns the token only when the runner is created.
				ImportStateVerifyIgnore: []string{"token"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances", len(states))
					}
					if tok := states[0].Attributes["token"]; tok != "" {
						return fmt.Errorf("imported token = %q, want null (GitLab never returns it)", tok)
					}
					return nil
				},
			},
			{
				ResourceName:  accRunnerAddr,
				ImportState:   true,
				ImportStateId: "runner-1",
				ExpectError:   accRunnerWordsRe(`"runner-1" is not a runner id`),
			},
			{
				// Out-of-band change: the plan puts the configuration back.
				PreConfig: func() {
					mt, drifted := int64(7200), "changed in the UI"
					_, err := tg.Client.UpdateRunner(context.Background(), last.id, gitlab.UpdateRunnerOptions{
						RunnerSettings: gitlab.RunnerSettings{
							Description:    &drifted,
							MaximumTimeout: gitlab.Some(mt),
						},
					})
					if err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact(desc+"-updated")),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
				}},
				Check: accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
					if r.Description != desc+"-updated" || r.MaximumTimeout != nil {
						return fmt.Errorf("drift not reverted: description %q, maximum_timeout %v", r.Description, r.MaximumTimeout)
					}
					return nil
				}),
			},
			{
				// Deleted behind Terraform's back: planned for creation again.
				PreConfig: func() {
					if err := tg.Client.DeleteRunner(context.Background(), last.id); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
				},
				Check: last.capture(accRunnerAddr),
			},
			{
				// A different owner project is a different runner.
				Config: strings.Replace(updated, fmt.Sprintf("project_id  = %d", project.ID), fmt.Sprintf("project_id  = %d", other.ID), 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(accRunnerAddr, tfjsonpath.New("token")),
					plancheck.ExpectUnknownValue(accRunnerAddr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(other.ID)),
					newID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
				},
				Check: func(s *terraform.State) error {
					if _, err := tg.Client.GetRunner(context.Background(), last.id); !gitlab.IsNotFound(err) {
						return fmt.Errorf("replaced runner %d still exists (err %w)", last.id, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccRunnerResource_group covers a group runner that only runs tagged
// jobs, its import, and replacement by a project runner (runner_type change).
func TestAccRunnerResource_group(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	desc := acctest.RandomName("runner")

	groupCfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  runner_type  = "group_type"
  group_id     = %d
  description  = %q
  run_untagged = false
  tag_list     = ["gpu"]
}
`, group.ID, desc)
	projectCfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  runner_type  = "project_type"
  project_id   = %d
  description  = %q
  run_untagged = false
  tag_list     = ["gpu"]
}
`, project.ID, desc)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: groupCfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("group_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("run_untagged"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("is_shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(accRFC3339Re)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maximum_timeout"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("")),
				},
				Check: accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
					if r.RunnerType != "group_type" || len(r.Groups) != 1 || r.Groups[0].ID != group.ID || r.RunUntagged {
						return fmt.Errorf("GitLab has %+v", r)
					}
					return nil
				}),
			},
			{
				ResourceName:            accRunnerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				// An import block (1.5+) must plan a no-op import: everything the
				// configuration sets is read back, the scope included.
				ResourceName:    accRunnerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.Null()),
				}},
			},
			{
				Config: projectCfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("project_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
				},
			},
		},
	})
}

// TestAccRunnerResource_instance creates an instance runner as administrator.
func TestAccRunnerResource_instance(t *testing.T) {
	tg := acctest.Get(t)
	desc := acctest.RandomName("runner")
	cfg := func(extra string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  runner_type = "instance_type"
  description = %q
%s
}
`, desc, extra)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				// An empty note is stored as no note by GitLab; it must not diff.
				Config: cfg(`  maintenance_note = ""`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("is_shared"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("instance_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("is_shared"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("tag_list"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("")),
				},
			},
			{
				Config: cfg(`  maximum_timeout = 600
  paused          = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maximum_timeout"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("paused"), knownvalue.Bool(true)),
				},
			},
			{
				// Removing paused from the configuration reverts to GitLab's
				// default (false) instead of leaving the runner paused.
				Config: cfg(`  maximum_timeout = 600`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("paused"), knownvalue.Bool(false)),
				}},
				Check: accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
					if r.Paused {
						return fmt.Errorf("runner still paused in GitLab")
					}
					return nil
				}),
			},
			{
				ResourceName:            accRunnerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
		},
	})
}

// TestAccRunnerResource_importBlock imports with an import block by
// resource identity (Terraform/OpenTofu 1.12+).
func TestAccRunnerResource_importBlock(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q\n  tag_list = [\"a\"]", acctest.RandomName("runner")))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(accRunnerAddr, map[string]knownvalue.Check{
						"id": knownvalue.StringRegexp(regexp.MustCompile(`^[1-9][0-9]*$`)),
					}),
					statecheck.ExpectIdentityValueMatchesState(accRunnerAddr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    accRunnerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("tag_list"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("a")})),
				}},
			},
		},
	})
}

// TestAccRunnerResource_validation checks that every configuration GitLab
// would reject fails at plan time, before anything is created.
func TestAccRunnerResource_validation(t *testing.T) {
	tg := acctest.Get(t)
	cfg := func(body string) string {
		return tg.ProviderConfig() + "resource \"gitlabci_runner\" \"test\" {\n" + body + "\n}\n"
	}
	fiftyOne := make([]string, 51)
	for i := range fiftyOne {
		fiftyOne[i] = fmt.Sprintf("t%d", i)
	}
	cases := []struct {
		body string
		want string
	}{
		{`description = "no type"`, `runner_type is required`},
		{`runner_type = "project_type"`, `runner_type = "project_type" needs project_id`},
		{`runner_type = "group_type"`, `runner_type = "group_type" needs group_id`},
		{"runner_type = \"instance_type\"\ngroup_id = 1", `group_id applies only to runner_type = "group_type"`},
		{"runner_type = \"group_type\"\ngroup_id = 1\nproject_id = 2", `project_id applies only to runner_type`},
		{`runner_type = "shared"`, `value must be one of`},
		{"registration_token = \"GR1348941x\"\nrunner_type = \"project_type\"\nproject_id = 1", `runner_type must be omitted when a registration token is given`},
		{"runner_type = \"instance_type\"\nrun_untagged = false", `GitLab requires at least one tag`},
		{"runner_type = \"instance_type\"\ntag_list = [\"a,b\"]", `contains a comma`},
		{"runner_type = \"instance_type\"\ntag_list = [\" a\"]", `leading or trailing whitespace`},
		{"runner_type = \"instance_type\"\ntag_list = [\"\"]", `must not be empty`},
		{"runner_type = \"instance_type\"\ntag_list = " + accRunnerHCLList(fiftyOne...), `set must contain at most 50 elements`},
		{"runner_type = \"instance_type\"\nmaximum_timeout = 599", `must be at least 600`},
		{"runner_type = \"instance_type\"\nmaximum_timeout = 0", `must be at least 600`},
		// GitLab's int4 column: larger values are a 500 (db/structure.sql).
		{"runner_type = \"instance_type\"\nmaximum_timeout = 2147483648", `Attribute maximum_timeout value must be at most 2147483647, got: 2147483648`},
		{"runner_type = \"instance_type\"\naccess_level = \"protected\"", `value must be one of`},
		{"runner_type = \"instance_type\"\ndescription = \"" + strings.Repeat("é", 1025) + "\"", `character count must be at most 1024, got: 1025`},
		{"runner_type = \"instance_type\"\nmaintenance_note = \"" + strings.Repeat("x", 1025) + "\"", `character count must be at most 1024`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      cfg(c.body),
			PlanOnly:    true,
			ExpectError: accRunnerWordsRe(c.want),
		})
	}
	// 1024 characters of a multi-byte script are fine (GitLab counts characters).
	steps = append(steps, resource.TestStep{
		Config:             cfg("runner_type = \"instance_type\"\ndescription = \"" + strings.Repeat("é", 1024) + "\""),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	// The largest int4 is a valid maximum_timeout.
	steps = append(steps, resource.TestStep{
		Config:             cfg("runner_type = \"instance_type\"\nmaximum_timeout = 2147483647"),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccRunnerResource_writeOnlyValidation needs write-only attributes
// (Terraform/OpenTofu 1.11+).
func TestAccRunnerResource_writeOnlyValidation(t *testing.T) {
	tg := acctest.Get(t)
	cfg := func(body string) string {
		return tg.ProviderConfig() + "resource \"gitlabci_runner\" \"test\" {\n" + body + "\n}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:      cfg("registration_token = \"GR1348941a\"\nregistration_token_wo = \"GR1348941b\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)"registration_token_wo"\s+cannot\s+be\s+specified\s+when|cannot\s+be\s+specified\s+when\s+"registration_token_wo"`),
			},
			{
				Config:      cfg("runner_type = \"instance_type\"\nregistration_token_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)"registration_token_wo"\s+must\s+be\s+specified`),
			},
			{
				Config:      cfg("registration_token_wo = \"GR1348941b\"\nproject_id = 3"),
				PlanOnly:    true,
				ExpectError: accRunnerWordsRe(`project_id must be omitted when a registration token is given`),
			},
		},
	})
}

// TestAccRunnerResource_permissions runs as a project Maintainer who is not
// an administrator: project runners work, instance runners fail with
// GitLab's own 403 message, and deleting a runner that is still assigned to
// another project explains what to do.
func TestAccRunnerResource_permissions(t *testing.T) {
	tg := acctest.Get(t)
	user, token := tg.NewUser(t)
	project := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	tg.AddProjectMember(t, project, user, gitlab.AccessMaintainer)
	desc := acctest.RandomName("runner")
	last := &accRunnerLastID{}

	projectRunner := fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  runner_type = "project_type"
  project_id  = %d
  description = %q
}
`, project.ID, desc)
	asUser := tg.ProviderConfigWithToken(token) + projectRunner

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: asUser,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
				},
				Check: last.capture(accRunnerAddr),
			},
			{
				Config: asUser + `
resource "gitlabci_runner" "shared" {
  runner_type = "instance_type"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Could\s+not\s+create\s+the\s+instance\s+runner.*Insufficient\s+permissions.*Only\s+GitLab\s+administrators`),
			},
			{
				// Someone assigned the runner to a second project: a
				// non-administrator cannot delete it.
				PreConfig: func() {
					if _, err := tg.Client.AssignRunnerToProject(context.Background(), strconv.FormatInt(other.ID, 10), last.id); err != nil {
						t.Fatalf("assign: %v", err)
					}
				},
				Config:      asUser,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Runner\s+associated\s+with\s+more\s+than\s+one\s+project.*gitlabci_project_runner_assignment`),
			},
			{
				PreConfig: func() {
					if err := tg.Client.UnassignRunnerFromProject(context.Background(), strconv.FormatInt(other.ID, 10), last.id); err != nil {
						t.Fatalf("unassign: %v", err)
					}
				},
				Config:           asUser,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

// The tests below change simulator-wide settings (registration tokens,
// injected faults, request counters), so they run sequentially: Go starts
// parallel tests only after every sequential test has finished, so nothing
// else runs while they hold those settings.

// TestAccRunnerResource_registrationToken covers the legacy POST /runners
// path with the sensitive attribute (all CLIs), including import.
func TestAccRunnerResource_registrationToken(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	srv.SetRegistrationTokensEnabled(true)
	t.Cleanup(func() { srv.SetRegistrationTokensEnabled(false) })
	project := tg.NewProject(t, nil)
	regToken := srv.RegistrationToken("project", project.ID)
	if regToken == "" {
		t.Fatal("simulator returned no registration token for the project")
	}
	desc := acctest.RandomName("runner")
	cfg := func(d string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  registration_token = %q
  description        = %q
  tag_list           = ["legacy"]
}
`, regToken, d)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg(desc),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The token decides the scope: unknown until GitLab says.
					plancheck.ExpectUnknownValue(accRunnerAddr, tfjsonpath.New("runner_type")),
					plancheck.ExpectUnknownValue(accRunnerAddr, tfjsonpath.New("project_id")),
					plancheck.ExpectSensitiveValue(accRunnerAddr, tfjsonpath.New("registration_token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("project_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRegisteredTokenRe)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(accRFC3339Re)),
					statecheck.ExpectSensitiveValue(accRunnerAddr, tfjsonpath.New("registration_token")),
				},
			},
			{
				Config: cfg(desc + "-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				ResourceName:            accRunnerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token", "registration_token"},
			},
		},
	})
}

// TestAccRunnerResource_registrationTokenWriteOnly uses the write-only
// attribute (Terraform/OpenTofu 1.11+): the token never reaches state, and
// bumping the version registers a new runner.
func TestAccRunnerResource_registrationTokenWriteOnly(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	srv.SetRegistrationTokensEnabled(true)
	t.Cleanup(func() { srv.SetRegistrationTokensEnabled(false) })
	group := tg.NewGroup(t, nil)
	regToken := srv.RegistrationToken("group", group.ID)
	cfg := func(version int) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  registration_token_wo         = %q
  registration_token_wo_version = %d
  description                   = "write-only"
}
`, regToken, version)
	}
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg(1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("registration_token_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.StringExact("group_type")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRegisteredTokenRe)),
					newID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
				},
			},
			{
				Config:           cfg(1),
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				Config: cfg(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(accRunnerAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
				},
			},
		},
	})
}

// TestAccRunnerResource_registrationWithoutProviderToken registers with only
// a registration token: nothing can be read back, a change re-registers, and
// destroy uses the runner's own token (DELETE /runners).
func TestAccRunnerResource_registrationWithoutProviderToken(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	srv.SetRegistrationTokensEnabled(true)
	t.Cleanup(func() { srv.SetRegistrationTokensEnabled(false) })
	project := tg.NewProject(t, nil)
	regToken := srv.RegistrationToken("project", project.ID)
	cfg := func(desc string) string {
		return tg.ProviderConfigWithToken("") + fmt.Sprintf(`
resource "gitlabci_runner" "test" {
  registration_token = %q
  description        = %q
}
`, regToken, desc)
	}
	last := &accRunnerLastID{}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg("tokenless"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRegisteredTokenRe)),
					// Only a user token could read what GitLab decided.
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("runner_type"), knownvalue.Null()),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					last.capture(accRunnerAddr),
					accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
						if r.Description != "tokenless" || len(r.Projects) == 0 || r.Projects[0].ID != project.ID {
							return fmt.Errorf("GitLab has %+v", r)
						}
						return nil
					}),
				),
			},
			{
				Config:           cfg("tokenless"),
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// PUT /runners/:id needs a user token: the change re-registers.
				Config: cfg("tokenless-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accRunnerAddr, plancheck.ResourceActionReplace),
				}},
				Check: func(s *terraform.State) error {
					if _, err := tg.Client.GetRunner(context.Background(), last.id); !gitlab.IsNotFound(err) {
						return fmt.Errorf("runner %d was not deleted by its token (err %w)", last.id, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccRunnerResource_registrationDisabled: GitLab 17+ answers 410, and
// the error says how to create the runner instead.
func TestAccRunnerResource_registrationDisabled(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t) // a real GitLab may still allow registration tokens
	cfg := tg.ProviderConfig() + `
resource "gitlabci_runner" "test" {
  registration_token = "GR1348941notenabled"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Runner\s+registration\s+tokens\s+are\s+disabled.*runner\s+registration\s+disallowed.*set\s+runner_type`),
			},
		},
	})
}

// accRunnerCreateRoute is the simulator's request counter key for POST /user/runners.
const accRunnerCreateRoute = "POST /api/v4/user/runners"

func accProjectRunnersWithDescription(t *testing.T, tg *acctest.Target, projectID int64, desc string) []gitlab.Runner {
	t.Helper()
	all, err := tg.Client.ListProjectRunners(context.Background(), strconv.FormatInt(projectID, 10),
		gitlab.ListRunnersOptions{Type: gitlab.RunnerTypeProject})
	if err != nil {
		t.Fatalf("list runners: %v", err)
	}
	var out []gitlab.Runner
	for _, r := range all {
		if r.Description == desc {
			out = append(out, r)
		}
	}
	return out
}

// TestAccRunnerResource_lostCreateResponse: GitLab creates the runner but the
// answer never arrives. The provider must not send the POST again; it finds
// the runner, adopts it with a fresh token, and no duplicate exists.
func TestAccRunnerResource_lostCreateResponse(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, nil)
	desc := acctest.RandomName("runner")
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q\n  tag_list = [\"lost\", \"found\"]", desc))
	var postsBefore, lostBefore int64

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					st := srv.Stats()
					postsBefore, lostBefore = st.ByRoute[accRunnerCreateRoute], st.Faults[gitlabsim.FaultLoseResponse]
					srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultLoseResponse})
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact(desc)),
				},
				Check: func(s *terraform.State) error {
					st := srv.Stats()
					if n := st.Faults[gitlabsim.FaultLoseResponse] - lostBefore; n != 1 {
						return fmt.Errorf("the lost-response fault fired %d times, want 1", n)
					}
					if n := st.ByRoute[accRunnerCreateRoute] - postsBefore; n != 1 {
						return fmt.Errorf("%d POST /user/runners requests, want exactly 1 (never resent)", n)
					}
					found := accProjectRunnersWithDescription(t, tg, project.ID, desc)
					if len(found) != 1 {
						return fmt.Errorf("%d runners with description %q, want exactly 1", len(found), desc)
					}
					id, err := accRunnerIDFromState(s, accRunnerAddr)
					if err != nil {
						return err
					}
					if id != found[0].ID {
						return fmt.Errorf("state has runner %d, GitLab has %d", id, found[0].ID)
					}
					tok, ok := srv.RunnerToken(id)
					if !ok || tok != s.RootModule().Resources[accRunnerAddr].Primary.Attributes["token"] {
						return fmt.Errorf("the token in state is not the runner's current token")
					}
					return nil
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}

// TestAccRunnerResource_createServerErrorNotApplied: GitLab answers 500 and
// did not create the runner. The provider looks, finds nothing, and sends
// the POST again in the same apply (issue 11 point 1): one runner, two POSTs.
func TestAccRunnerResource_createServerErrorNotApplied(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, nil)
	desc := acctest.RandomName("runner")
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", desc))
	var postsBefore int64

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					postsBefore = srv.Stats().ByRoute[accRunnerCreateRoute]
					srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultError500})
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(accRunnerTokenRe)),
				},
				Check: func(s *terraform.State) error {
					if n := srv.Stats().ByRoute[accRunnerCreateRoute] - postsBefore; n != 2 {
						return fmt.Errorf("%d POST /user/runners, want 2 (the 500, then the retry)", n)
					}
					found := accProjectRunnersWithDescription(t, tg, project.ID, desc)
					if len(found) != 1 {
						return fmt.Errorf("%d runners after the retry, want 1", len(found))
					}
					id, err := accRunnerIDFromState(s, accRunnerAddr)
					if err != nil {
						return err
					}
					if id != found[0].ID {
						return fmt.Errorf("state has runner %d, GitLab has %d", id, found[0].ID)
					}
					return nil
				},
			},
		},
	})
}

// TestAccRunnerResource_createServerErrorNoRetries: with retries = 0 the
// provider proves the 500 created nothing, says so, and does not resend.
func TestAccRunnerResource_createServerErrorNoRetries(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, nil)
	desc := acctest.RandomName("runner")
	cfg := fmt.Sprintf(`
provider "gitlabci" {
  base_url = %q
  token    = %q
  retries  = 0
}

resource "gitlabci_runner" "test" {
  runner_type = "project_type"
  project_id  = %d
  description = %q
}
`, tg.BaseURL, tg.Token, project.ID, desc)
	var postsBefore int64

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					postsBefore = srv.Stats().ByRoute[accRunnerCreateRoute]
					srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultError500})
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could\s+not\s+create\s+the\s+runner.*500.*nothing\s+was\s+left\s+behind.*sent\s+once.*Apply\s+again`),
			},
			{
				PreConfig: func() {
					if n := srv.Stats().ByRoute[accRunnerCreateRoute] - postsBefore; n != 1 {
						t.Fatalf("%d POST /user/runners after a 500 with retries = 0, want exactly 1", n)
					}
					if found := accProjectRunnersWithDescription(t, tg, project.ID, desc); len(found) != 0 {
						t.Fatalf("%d runners exist after a 500 that was not applied", len(found))
					}
				},
				Config: cfg,
				Check: func(s *terraform.State) error {
					if found := accProjectRunnersWithDescription(t, tg, project.ID, desc); len(found) != 1 {
						return fmt.Errorf("%d runners after the next apply, want 1", len(found))
					}
					return nil
				},
			},
		},
	})
}

// TestAccRunnerResource_lostResponseSeveralCandidates: two runners match a
// lost request; the provider adopts neither and lists both ids.
func TestAccRunnerResource_lostResponseSeveralCandidates(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, nil)
	desc := acctest.RandomName("runner")
	// A runner identical to the one the configuration asks for, created just
	// before (for example by a parallel apply of a copy of this configuration).
	twin := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{
		RunnerType: gitlab.RunnerTypeProject,
		ProjectID:  &project.ID,
		RunnerSettings: gitlab.RunnerSettings{
			Description: &desc,
		},
	})
	cfg := accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description = %q", desc))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultLoseResponse})
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)several\s+candidates.*ids\s+%d,\s+\d+.*terraform\s+import`, twin.ID)),
			},
		},
	})
	// The runner the lost request created is the user's to import or
	// delete; clean it up here.
	for _, r := range accProjectRunnersWithDescription(t, tg, project.ID, desc) {
		if r.ID != twin.ID {
			if err := tg.Client.DeleteRunner(context.Background(), r.ID); err != nil {
				t.Errorf("cleanup runner %d: %v", r.ID, err)
			}
		}
	}
}

// TestAccRunnerResource_tokenExpiry: with runner_token_expiration_interval
// set, the expiry GitLab returns at creation is kept in state (GET
// /runners/:id does not return it before late 18.x releases).
func TestAccRunnerResource_tokenExpiry(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	srv.SetTokenExpiration(72 * time.Hour)
	t.Cleanup(func() { srv.SetTokenExpiration(0) })
	project := tg.NewProject(t, nil)
	cfg := accProjectRunnerConfig(tg, project.ID, `  description = "expiring"`)
	sameExpiry := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("token_expires_at"), knownvalue.StringFunc(func(v string) error {
						exp, err := time.Parse(time.RFC3339, v)
						if err != nil {
							return err
						}
						if d := exp.Sub(srv.Now()); d < 71*time.Hour || d > 73*time.Hour {
							return fmt.Errorf("token expires in %s, want about 72h", d)
						}
						return nil
					})),
					sameExpiry.AddStateValue(accRunnerAddr, tfjsonpath.New("token_expires_at")),
				},
			},
			{
				Config:   cfg,
				PlanOnly: true, // refresh keeps it; no diff
			},
			{
				Config: strings.Replace(cfg, `"expiring"`, `"expiring-2"`, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameExpiry.AddStateValue(accRunnerAddr, tfjsonpath.New("token_expires_at")),
				},
			},
		},
	})
}

// TestAccRunnerResource_writeOnlyOnOldCLI: CLIs before 1.11 cannot keep a
// value out of state, so the write-only attribute is refused with a message
// that points at the floor (registration_token is the alternative there).
func TestAccRunnerResource_writeOnlyOnOldCLI(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + `
resource "gitlabci_runner" "test" {
  registration_token_wo = "GR1348941x"
}
`,
				PlanOnly:    true,
				ExpectError: accRunnerWordsRe(`Write-only attributes are only supported in Terraform 1.11 and later`),
			},
		},
	})
}
