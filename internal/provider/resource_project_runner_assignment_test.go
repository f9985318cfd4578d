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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

const assignmentAddr = "gitlabci_project_runner_assignment.test"

func assignmentConfig(tg *acctest.Target, project string, runnerID int64) string {
	return tg.ProviderConfig() + assignmentBlock(project, runnerID)
}

func assignmentBlock(project string, runnerID int64) string {
	return fmt.Sprintf(`
resource "gitlabci_project_runner_assignment" "test" {
  project   = %q
  runner_id = %d
}
`, project, runnerID)
}

// runnerProjectIDs asks GitLab which projects a runner serves, owner first.
func runnerProjectIDs(tg *acctest.Target, runnerID int64) ([]int64, error) {
	r, err := tg.Client.GetRunner(context.Background(), runnerID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(r.Projects))
	for i, p := range r.Projects {
		ids[i] = p.ID
	}
	return ids, nil
}

// checkRunnerProjects asserts, through the API, the exact projects a runner
// serves (owner first, as GitLab lists them).
func checkRunnerProjects(tg *acctest.Target, runnerID int64, want ...int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := runnerProjectIDs(tg, runnerID)
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("runner %d serves projects %v, want %v", runnerID, got, want)
		}
		return nil
	}
}

func newProjectRunner(t *testing.T, tg *acctest.Target, owner *gitlab.Project, locked bool) *gitlab.CreatedRunner {
	t.Helper()
	opts := gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &owner.ID}
	if locked {
		opts.Locked = &locked
	}
	return tg.NewRunner(t, opts)
}

// TestAccProjectRunnerAssignment_lifecycle: create by path, no diff, import
// (command and import block) with the path kept as written, spelling change
// to the numeric id in place, import by id, move to another project
// (replace), out-of-band unassignment (re-created), destroy.
func TestAccProjectRunnerAssignment_lifecycle(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	second := tg.NewProject(t, group)
	third := tg.NewProject(t, group)
	runner := newProjectRunner(t, tg, owner, false)
	rid := runner.ID
	secondID := strconv.FormatInt(second.ID, 10)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRunnerProjects(tg, rid, owner.ID),
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(tg, second.PathWithNamespace, rid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(assignmentAddr, tfjsonpath.New("project_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project"), knownvalue.StringExact(second.PathWithNamespace)),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(second.ID)),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("runner_id"), knownvalue.Int64Exact(rid)),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%d", second.ID, rid))),
				},
				Check: checkRunnerProjects(tg, rid, owner.ID, second.ID),
			},
			{
				Config:           assignmentConfig(tg, second.PathWithNamespace, rid),
				ConfigPlanChecks: expectEmptyPlan,
			},
			{
				// terraform import with the path: project stays the path.
				ResourceName:      assignmentAddr,
				ImportState:       true,
				ImportStateId:     fmt.Sprintf("%s:%d", second.PathWithNamespace, rid),
				ImportStateVerify: true,
			},
			{
				// An import block with the path must plan no change at all.
				ResourceName:    assignmentAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   fmt.Sprintf("%s:%d", second.PathWithNamespace, rid),
			},
			{
				// The same project by id: only the state's spelling changes.
				Config: assignmentConfig(tg, secondID, rid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(second.ID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project"), knownvalue.StringExact(secondID)),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(second.ID)),
				},
				Check: checkRunnerProjects(tg, rid, owner.ID, second.ID),
			},
			{
				// Import by the resource id (numeric project).
				ResourceName:      assignmentAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: assignmentConfig(tg, third.PathWithNamespace, rid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(assignmentAddr, tfjsonpath.New("project_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(third.ID)),
				},
				Check: checkRunnerProjects(tg, rid, owner.ID, third.ID),
			},
			{
				// Unassigned outside Terraform: the plan re-creates it.
				PreConfig: func() {
					if err := tg.Client.UnassignRunnerFromProject(context.Background(), strconv.FormatInt(third.ID, 10), rid); err != nil {
						t.Fatalf("out-of-band unassign: %v", err)
					}
				},
				Config: assignmentConfig(tg, third.PathWithNamespace, rid),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkRunnerProjects(tg, rid, owner.ID, third.ID),
			},
			{
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: "no-colon-here",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import id.*<project>:<runner_id>`),
			},
			{
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: second.PathWithNamespace + ":abc",
				ExpectError:   regexp.MustCompile(`not\s+a\s+positive\s+number`),
			},
			{
				// The runner no longer serves the second project.
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: fmt.Sprintf("%s:%d", second.PathWithNamespace, rid),
				ExpectError:   regexp.MustCompile(`(?i)non-existent remote object|cannot import`),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_identity imports with the resource
// identity (project_id, runner_id), which needs Terraform/OpenTofu 1.12.
func TestAccProjectRunnerAssignment_identity(t *testing.T) {
	tg := acctest.Get(t)
	owner := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	runner := newProjectRunner(t, tg, owner, false)
	// Identity import sets project to the numeric id: the config uses it.
	cfg := assignmentConfig(tg, strconv.FormatInt(other.ID, 10), runner.ID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkRunnerProjects(tg, runner.ID, owner.ID),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(assignmentAddr, map[string]knownvalue.Check{
						"project_id": knownvalue.Int64Exact(other.ID),
						"runner_id":  knownvalue.Int64Exact(runner.ID),
					}),
				},
			},
			{
				ResourceName:    assignmentAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccProjectRunnerAssignment_adoptsExisting: an assignment made outside
// Terraform is adopted on create ("has already been taken" is no error),
// and destroy removes it.
func TestAccProjectRunnerAssignment_adoptsExisting(t *testing.T) {
	tg := acctest.Get(t)
	owner := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	runner := newProjectRunner(t, tg, owner, false)
	if _, err := tg.Client.AssignRunnerToProject(acctest.Context(t), strconv.FormatInt(other.ID, 10), runner.ID); err != nil {
		t.Fatalf("assign outside Terraform: %v", err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRunnerProjects(tg, runner.ID, owner.ID),
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(tg, other.PathWithNamespace, runner.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(other.ID)),
				},
				Check: checkRunnerProjects(tg, runner.ID, owner.ID, other.ID),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_needsUserToken: a provider without a token
// (registration-token workflows) cannot assign runners; the plan says so.
func TestAccProjectRunnerAssignment_needsUserToken(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfigWithToken("") + assignmentBlock("g/p", 5),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)needs a provider token.*POST /projects/:id/runners`),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_rejected: what GitLab cannot do fails at
// plan time, on the attribute to fix, before anything is sent.
func TestAccProjectRunnerAssignment_rejected(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	other := tg.NewProject(t, group)
	projectRunner := newProjectRunner(t, tg, owner, false)
	groupRunner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeGroup, GroupID: &group.ID})
	instanceRunner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkRunnerProjects(tg, projectRunner.ID, owner.ID),
			checkRunnerProjects(tg, groupRunner.ID),
		),
		Steps: []resource.TestStep{
			{
				Config:      assignmentConfig(tg, other.PathWithNamespace, groupRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Group runners cannot be assigned to projects.*is a group\s+runner`),
			},
			{
				Config:      assignmentConfig(tg, other.PathWithNamespace, instanceRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Instance runners cannot be assigned to projects`),
			},
			{
				Config:      assignmentConfig(tg, owner.PathWithNamespace, projectRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Project is the runner's owner project.*cannot\s+unassign`),
			},
			{
				Config:      assignmentConfig(tg, strconv.FormatInt(owner.ID, 10), projectRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Project is the runner's owner project`),
			},
			{
				Config:      assignmentConfig(tg, other.PathWithNamespace, 2147483000),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Runner not found.*404`),
			},
			{
				Config:      assignmentConfig(tg, "no-namespace", projectRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid project reference.*full path`),
			},
			{
				Config:      assignmentConfig(tg, "0", projectRunner.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must be positive`),
			},
			{
				// Unknown at plan time; GitLab's 404 at apply names the project.
				Config:      assignmentConfig(tg, group.FullPath+"/tfacc-no-such-project", projectRunner.ID),
				ExpectError: regexp.MustCompile(`(?s)Cannot find project.*404`),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_nonAdmin: a project Maintainer assigns an
// unlocked runner; a locked one is refused at plan time (GitLab: only
// administrators assign locked runners).
func TestAccProjectRunnerAssignment_nonAdmin(t *testing.T) {
	tg := acctest.Get(t)
	owner := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	user, token := tg.NewUser(t)
	tg.AddProjectMember(t, owner, user, gitlab.AccessMaintainer)
	tg.AddProjectMember(t, other, user, gitlab.AccessMaintainer)
	unlocked := newProjectRunner(t, tg, owner, false)
	locked := newProjectRunner(t, tg, owner, true)
	cfg := func(runnerID int64) string {
		return tg.ProviderConfigWithToken(token) + assignmentBlock(other.PathWithNamespace, runnerID)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkRunnerProjects(tg, unlocked.ID, owner.ID),
			checkRunnerProjects(tg, locked.ID, owner.ID),
		),
		Steps: []resource.TestStep{
			{
				Config:      cfg(locked.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Runner is locked.*administrators`),
			},
			{
				Config: cfg(unlocked.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(other.ID)),
				},
				Check: checkRunnerProjects(tg, unlocked.ID, owner.ID, other.ID),
			},
			{
				ResourceName:      assignmentAddr,
				ImportState:       true,
				ImportStateId:     fmt.Sprintf("%s:%d", other.PathWithNamespace, unlocked.ID),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccProjectRunnerAssignment_becameOwner: when the owner project is
// deleted, GitLab makes the oldest remaining project the owner and refuses
// to unassign it; destroy then warns and forgets instead of failing.
// Simulator only: a real GitLab deletes projects asynchronously (delayed
// deletion), so the hand-over cannot be timed in a test.
func TestAccProjectRunnerAssignment_becameOwner(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	owner := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	runner := newProjectRunner(t, tg, owner, false)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// The runner stays assigned: deleting it is not this resource's job.
		CheckDestroy: checkRunnerProjects(tg, runner.ID, other.ID),
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(tg, other.PathWithNamespace, runner.ID),
				Check:  checkRunnerProjects(tg, runner.ID, owner.ID, other.ID),
			},
			{
				PreConfig: func() {
					if err := tg.Client.DeleteProject(context.Background(), strconv.FormatInt(owner.ID, 10)); err != nil {
						t.Fatalf("delete owner project: %v", err)
					}
				},
				Config:           assignmentConfig(tg, other.PathWithNamespace, runner.ID),
				ConfigPlanChecks: expectEmptyPlan,
				Check:            checkRunnerProjects(tg, runner.ID, other.ID),
			},
		},
	})
}

// TestAccProjectRunnerAssignment_withRunnerResource combines the resources
// the way a configuration does: a gitlabci_runner shared with a second
// project and its token rotated, ids unknown until apply.
func TestAccProjectRunnerAssignment_withRunnerResource(t *testing.T) {
	tg := acctest.Get(t)
	owner := tg.NewProject(t, nil)
	other := tg.NewProject(t, nil)
	var runnerID int64
	var createdToken, rotatedToken string
	cfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "gitlabci_runner" "build" {
  runner_type = "project_type"
  project_id  = %d
  description = %q
}

resource "gitlabci_project_runner_assignment" "test" {
  project   = %q
  runner_id = gitlabci_runner.build.id
}

resource "gitlabci_runner_token_reset" "test" {
  runner_id = gitlabci_runner.build.id
}
`, owner.ID, acctest.RandomName("runner"), other.PathWithNamespace)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := tg.Client.GetRunner(context.Background(), runnerID); !gitlab.IsNotFound(err) {
				return fmt.Errorf("runner %d still exists (err %w)", runnerID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(assignmentAddr, tfjsonpath.New("runner_id")),
					plancheck.ExpectUnknownValue(tokenResetAddr, tfjsonpath.New("runner_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(other.ID)),
					statecheck.CompareValuePairs(
						"gitlabci_runner.build", tfjsonpath.New("token"),
						tokenResetAddr, tfjsonpath.New("token"),
						compare.ValuesDiffer(),
					),
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						rs := s.RootModule().Resources["gitlabci_runner.build"]
						id, err := strconv.ParseInt(rs.Primary.Attributes["id"], 10, 64)
						runnerID, createdToken = id, rs.Primary.Attributes["token"]
						return err
					},
					func(s *terraform.State) error { return checkRunnerProjects(tg, runnerID, owner.ID, other.ID)(s) },
					stateToken(tokenResetAddr, &rotatedToken),
					tokenRejected(tg, &createdToken),
					func(s *terraform.State) error { return tokenAccepted(tg, &rotatedToken, runnerID)(s) },
				),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan,
			},
		},
	})
}
