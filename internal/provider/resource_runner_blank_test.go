package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// TestAccRunnerResource_blankStrings: POST /user/runners stores only present
// values (lib/api/user_runners.rb attributes_for_keys, lib/api/helpers.rb:
// "" and whitespace-only strings are dropped) while PUT /runners/:id stores
// what it is given. Whatever blank description or maintenance_note the
// configuration says, the plan after create, update and import is empty.
func TestAccRunnerResource_blankStrings(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	cfg := func(desc, note string) string {
		return accProjectRunnerConfig(tg, project.ID, fmt.Sprintf("  description      = %q\n  maintenance_note = %q", desc, note))
	}
	expect := func(desc, note string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact(desc)),
			statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact(note)),
		}
	}
	inGitLab := func(desc string, note *string) resource.TestCheckFunc {
		return accCheckRunnerAPI(tg, accRunnerAddr, func(r *gitlab.RunnerDetails) error {
			if r.Description != desc || (note == nil) != (r.MaintenanceNote == nil) || (note != nil && *note != *r.MaintenanceNote) {
				return fmt.Errorf("GitLab has description %q, maintenance_note %v", r.Description, r.MaintenanceNote)
			}
			return nil
		})
	}
	empty, space := "", " "
	importNoOp := resource.TestStep{
		ResourceName:    accRunnerAddr,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithID, // fails unless the import plan is a no-op
	}
	noChange := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	// Each import runs with the configuration of the step before it.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				// Whitespace only: GitLab stores neither on create, the state
				// keeps what was configured (and the next plan is empty).
				Config:            cfg("   ", " "),
				ConfigStateChecks: expect("   ", " "),
				Check:             inGitLab("", nil),
			},
			{
				Config:            cfg("", ""),
				ConfigStateChecks: expect("", ""),
				Check:             inGitLab("", &empty),
			},
			importNoOp,
			{
				Config:            cfg("build", "note"),
				ConfigStateChecks: expect("build", "note"),
			},
			{
				// PUT stores "" and " ".
				Config:            cfg("", " "),
				ConfigStateChecks: expect("", " "),
				Check:             inGitLab("", &space),
			},
			importNoOp,
			{
				// Without the attributes: the note is cleared, nothing else.
				Config:            accProjectRunnerConfig(tg, project.ID, ""),
				ConfigStateChecks: expect("", ""),
				Check:             inGitLab("", &empty),
			},
			importNoOp,
			{
				Config:           accProjectRunnerConfig(tg, project.ID, ""),
				ConfigPlanChecks: noChange,
			},
		},
	})
}

// TestAccRunnerResource_blankStringsOnCreate: "" on create (dropped by
// GitLab) reads back as configured, an import of such a runner plans no
// change, and a runner created without a note has "" (no note) planned.
func TestAccRunnerResource_blankStringsOnCreate(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, nil)
	blank := accProjectRunnerConfig(tg, project.ID, "  description      = \"\"\n  maintenance_note = \"\"")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             accCheckRunnerDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: blank,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("")),
				},
			},
			{ResourceName: accRunnerAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				Config: accProjectRunnerConfig(tg, project.ID, "  description = \"d\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accRunnerAddr, tfjsonpath.New("maintenance_note"), knownvalue.StringExact("")),
				}},
			},
		},
	})
}
