package provider_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

func jobIDs(address string, ids ...int64) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(id)})
	}
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("jobs"), knownvalue.ListExact(checks))
}

// TestAccDataSourceRunnerJobs seeds a runner with a few distinct jobs and
// 240 more (three pages; half of them two uncounted pages of one system_id),
// and checks each filter, the order and max_jobs.
func TestAccDataSourceRunnerJobs(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	other := tg.NewProject(t, tg.NewGroup(t, nil))
	// GitLab's timestamps carry milliseconds; state must keep them.
	now := srv.Now().Truncate(time.Second).Add(515 * time.Millisecond)
	runner := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "project_type", ProjectID: project.ID})
	t.Cleanup(func() { _ = tg.Client.DeleteRunner(acctest.Context(t), runner) })
	add := func(j gitlabsim.JobSeed) int64 {
		id, err := srv.AddJob(runner, j)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	created, started := now.Add(-10*time.Minute), now.Add(-9*time.Minute)
	running := add(gitlabsim.JobSeed{Status: "running", Stage: "build", Name: "compile", Ref: "main", SystemID: "s_a",
		CreatedAt: &created, StartedAt: &started, PipelineID: 900001})
	finished, duration := now.Add(-8*time.Minute), 60.5
	failed := add(gitlabsim.JobSeed{Status: "failed", Stage: "test", Name: "unit", Ref: "feature", SystemID: "s_b",
		CreatedAt: &created, StartedAt: &started, FinishedAt: &finished, Duration: &duration})
	canceled := add(gitlabsim.JobSeed{Status: "canceled", ProjectID: other.ID, SystemID: "s_b"})
	bulk := make([]int64, 240)
	for i := range bulk {
		// Every other job ran on s_c: 120 of them, two pages that GitLab
		// serves without counting (system_id; lib/api/ci/runners.rb).
		sys := ""
		if i%2 == 0 {
			sys = "s_c"
		}
		bulk[i] = add(gitlabsim.JobSeed{Status: "success", SystemID: sys})
	}
	newest := bulk[len(bulk)-1]

	config := tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_runner_jobs" "all" {
  runner_id = %[1]d
}

data "gitlabci_runner_jobs" "running" {
  runner_id = %[1]d
  status    = "running"
}

data "gitlabci_runner_jobs" "s_b" {
  runner_id = %[1]d
  system_id = "s_b"
}

data "gitlabci_runner_jobs" "oldest" {
  runner_id = %[1]d
  order_by  = "id"
  sort      = "asc"
  max_jobs  = 3
}

data "gitlabci_runner_jobs" "newest" {
  runner_id = %[1]d
  max_jobs  = 150
}

data "gitlabci_runner_jobs" "s_c" {
  runner_id = %[1]d
  system_id = "s_c"
}

data "gitlabci_runner_jobs" "s_c_oldest" {
  runner_id = %[1]d
  system_id = "s_c"
  sort      = "asc"
  max_jobs  = 110
}

data "gitlabci_runner_jobs" "none" {
  runner_id = %[1]d
  status    = "pending"
}
`, runner)
	jobObject := func(id int64, status, stage, name, ref string, started, finished, duration, pipeline knownvalue.Check, p *gitlab.Project) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":          knownvalue.Int64Exact(id),
			"status":      knownvalue.StringExact(status),
			"stage":       knownvalue.StringExact(stage),
			"name":        knownvalue.StringExact(name),
			"ref":         knownvalue.StringExact(ref),
			"created_at":  rfc3339(created),
			"started_at":  started,
			"finished_at": finished,
			"duration":    duration,
			"web_url":     knownvalue.StringExact(fmt.Sprintf("%s/%s/-/jobs/%d", tg.BaseURL, p.PathWithNamespace, id)),
			"project": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":                  knownvalue.Int64Exact(p.ID),
				"path_with_namespace": knownvalue.StringExact(p.PathWithNamespace),
			}),
			"pipeline_id": pipeline,
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// Newest first by default; every page read.
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.all", tfjsonpath.New("jobs"), knownvalue.ListSizeExact(243)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.all", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(newest)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.all", tfjsonpath.New("jobs").AtSliceIndex(242).AtMapKey("id"), knownvalue.Int64Exact(running)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.running", tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{
					jobObject(running, "running", "build", "compile", "main", rfc3339(started), knownvalue.Null(),
						knownvalue.NotNull(), knownvalue.Int64Exact(900001), project),
				})),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_b", tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(canceled), "status": knownvalue.StringExact("canceled"),
						"project": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.Int64Exact(other.ID), "path_with_namespace": knownvalue.StringExact(other.PathWithNamespace)})}),
					jobObject(failed, "failed", "test", "unit", "feature", rfc3339(started), rfc3339(finished),
						knownvalue.Float64Exact(60.5), knownvalue.NotNull(), project),
				})),
				jobIDs("data.gitlabci_runner_jobs.oldest", running, failed, canceled),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.newest", tfjsonpath.New("jobs"), knownvalue.ListSizeExact(150)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.newest", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(newest)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.newest", tfjsonpath.New("jobs").AtSliceIndex(149).AtMapKey("id"), knownvalue.Int64Exact(bulk[240-150])),
				// More than one page filtered by system_id: read by X-Next-Page.
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c", tfjsonpath.New("jobs"), knownvalue.ListSizeExact(120)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(bulk[238])),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c", tfjsonpath.New("jobs").AtSliceIndex(119).AtMapKey("id"), knownvalue.Int64Exact(bulk[0])),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c_oldest", tfjsonpath.New("jobs"), knownvalue.ListSizeExact(110)),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c_oldest", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(bulk[0])),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.s_c_oldest", tfjsonpath.New("jobs").AtSliceIndex(109).AtMapKey("id"), knownvalue.Int64Exact(bulk[218])),
				statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.none", tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// TestAccDataSourceRunnerJobs_emptyAndErrors: an unknown runner and a user
// without access get the runner-naming errors; bad arguments fail at plan
// time; a new runner has an empty job list.
func TestAccDataSourceRunnerJobs_emptyAndErrors(t *testing.T) {
	tg := acctest.Get(t)
	project := tg.NewProject(t, tg.NewGroup(t, nil))
	r := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: "project_type", ProjectID: &project.ID})
	_, outsider := tg.NewUser(t)
	ds := func(body string) string {
		return "data \"gitlabci_runner_jobs\" \"j\" {\n" + body + "\n}\n"
	}
	id := "  runner_id = " + strconv.FormatInt(r.ID, 10) + "\n"
	const missing = 2147480002
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfig() + ds(fmt.Sprintf("  runner_id = %d", missing)),
				ExpectError: wordsRe(fmt.Sprintf("runner %d was not found", missing)),
			},
			{
				Config: tg.ProviderConfigWithToken(outsider) + ds(id),
				ExpectError: wordsRe(fmt.Sprintf("The token's user may not read runner %d (GET /runners/:id/jobs needs an "+
					"administrator, or for a group runner the Maintainer role in its group", r.ID)),
			},
			{Config: tg.ProviderConfig() + ds(id+`  status = "done"`), ExpectError: wordsRe("Attribute status value must be one of")},
			{Config: tg.ProviderConfig() + ds(id+`  sort = "up"`), ExpectError: wordsRe(`Attribute sort value must be one of: ["asc" "desc"]`)},
			{Config: tg.ProviderConfig() + ds(id+`  order_by = "created_at"`), ExpectError: wordsRe(`Attribute order_by value must be one of: ["id"]`)},
			{Config: tg.ProviderConfig() + ds(id+`  max_jobs = 0`), ExpectError: wordsRe("Attribute max_jobs value must be between 1 and 100000")},
			// Last, so the post-test destroy runs with a valid configuration.
			{
				Config: tg.ProviderConfig() + ds(id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.gitlabci_runner_jobs.j", tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}
