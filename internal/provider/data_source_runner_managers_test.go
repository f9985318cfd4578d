package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// TestAccDataSourceRunnerManagers: no managers before any runner process
// used the token (an empty list), then one per system id that verified it.
func TestAccDataSourceRunnerManagers(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	r := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: "project_type", ProjectID: &project.ID})
	sysA, sysB := randomSystemID(), randomSystemID()
	config := tg.ProviderConfig() + runnerManagersHCL(r.ID)
	contacted := func(systemID string) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"id":           knownvalue.NotNull(),
			"system_id":    knownvalue.StringExact(systemID),
			"status":       knownvalue.StringExact("online"),
			"created_at":   knownvalue.NotNull(),
			"contacted_at": knownvalue.NotNull(),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("data.gitlabci_runner_managers.m", "managers", knownvalue.ListExact([]knownvalue.Check{}))},
			},
			{
				PreConfig: func() {
					for _, sys := range []string{sysA, sysB} {
						if _, err := tg.Client.VerifyRunner(acctest.Context(t), r.Token, sys); err != nil {
							t.Fatalf("verify runner as %s: %v", sys, err)
						}
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr("data.gitlabci_runner_managers.m", "managers", knownvalue.ListExact([]knownvalue.Check{contacted(sysA), contacted(sysB)})),
				},
			},
		},
	})
}

// TestAccDataSourceRunnerManagers_fields checks every field of managers in
// each status, including a manager running a job.
func TestAccDataSourceRunnerManagers_fields(t *testing.T) {
	tg := acctest.Get(t)
	srv, id := seedProjectRunner(t, tg)
	now := srv.Now().Truncate(time.Second).Add(750 * time.Millisecond) // GitLab's milliseconds
	seeds := []gitlabsim.ManagerSeed{
		{SystemID: "s_online", Version: "18.0.1", Revision: "bbbb2222", Platform: "linux", Architecture: "arm64",
			IPAddress: "10.0.0.2", CreatedAt: ptr(now.Add(-48 * time.Hour)), ContactedAt: ptr(now.Add(-5 * time.Minute))},
		{SystemID: "s_offline", Version: "17.11.0", Revision: "aaaa1111", Platform: "windows", Architecture: "amd64",
			IPAddress: "10.0.0.3", CreatedAt: ptr(now.Add(-72 * time.Hour)), ContactedAt: ptr(now.Add(-3 * time.Hour))},
		{SystemID: "s_stale", Version: "16.11.1", CreatedAt: ptr(now.Add(-30 * 24 * time.Hour)), ContactedAt: ptr(now.Add(-8 * 24 * time.Hour))},
	}
	ids := make([]int64, len(seeds))
	for i, m := range seeds {
		mid, err := srv.AddManager(id, m)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = mid
	}
	if _, err := srv.AddJob(id, gitlabsim.JobSeed{Status: "running", SystemID: "s_online", StartedAt: ptr(now)}); err != nil {
		t.Fatal(err)
	}
	manager := func(i int, status, jobs string, contacted time.Time) knownvalue.Check {
		s := seeds[i]
		str := func(v string) knownvalue.Check {
			if v == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(v)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                   knownvalue.Int64Exact(ids[i]),
			"system_id":            knownvalue.StringExact(s.SystemID),
			"version":              str(s.Version),
			"revision":             str(s.Revision),
			"platform":             str(s.Platform),
			"architecture":         str(s.Architecture),
			"ip_address":           str(s.IPAddress),
			"status":               knownvalue.StringExact(status),
			"created_at":           rfc3339(*s.CreatedAt),
			"contacted_at":         rfc3339(contacted),
			"job_execution_status": knownvalue.StringExact(jobs),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + runnerManagersHCL(id) + runnerHCL(id),
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr("data.gitlabci_runner_managers.m", "managers", knownvalue.ListExact([]knownvalue.Check{
					manager(0, "online", "active", *seeds[0].ContactedAt),
					manager(1, "offline", "idle", *seeds[1].ContactedAt),
					manager(2, "stale", "idle", *seeds[2].ContactedAt),
				})),
				// The running job makes the runner itself active too.
				expectAttr("data.gitlabci_runner.r", "job_execution_status", knownvalue.StringExact("active")),
			},
		}},
	})
}

// TestAccDataSourceRunnerManagers_errors: the 404 and 403 wordings.
func TestAccDataSourceRunnerManagers_errors(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: runnerReadErrorSteps(t, tg, runnerManagersHCL, 2147480001, func(id int64) string {
			return fmt.Sprintf("runner %d was not found", id)
		}, func(id int64) string {
			return fmt.Sprintf("The token's user may not read runner %d (GET /runners/:id/managers needs an administrator", id)
		}),
	})
}
