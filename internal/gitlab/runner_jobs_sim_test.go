package gitlab

import (
	"net/http"
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// TestSimRunnerJobsBySystemIDUncounted: with system_id GitLab pages the jobs
// without counting (lib/api/ci/runners.rb `without_count`): no X-Total,
// X-Total-Pages or rel="last", so every page is reached by X-Next-Page.
func TestSimRunnerJobsBySystemIDUncounted(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	_, _, app, _ := e.tree()
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeProject, ProjectID: app.ID}, 1)
	noErr(t, err)
	id := ids[0]
	var want []int64
	for i := 0; i < 250; i++ {
		sys := "s_other"
		if i%5 != 0 {
			sys = "s_1"
		}
		jid, err := e.srv.AddJob(id, gitlabsim.JobSeed{Status: "success", SystemID: sys})
		noErr(t, err)
		if sys == "s_1" {
			want = append(want, jid)
		}
	}

	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v4/runners/"+itoa(id)+"/jobs?system_id=s_1&per_page=100", nil)
	req.Header.Set("PRIVATE-TOKEN", e.srv.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	noErr(t, err)
	resp.Body.Close()
	if _, counted := resp.Header["X-Total-Pages"]; counted || resp.Header.Get("X-Next-Page") != "2" {
		t.Fatalf("system_id pages must be uncounted: %v", resp.Header)
	}

	e.srv.ResetStats()
	jobs := chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{SystemID: "s_1", OrderBy: "id", Sort: "asc"})).must(t)
	if len(jobs) != len(want) {
		t.Fatalf("got %d jobs, want %d", len(jobs), len(want))
	}
	for i, j := range jobs {
		if j.ID != want[i] {
			t.Fatalf("job %d: id %d, want %d", i, j.ID, want[i])
		}
	}
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/:id/jobs"]; n != 2 {
		t.Fatalf("200 jobs took %d requests, want 2", n)
	}

	// max_jobs stops mid-way without a total to plan by.
	e.srv.ResetStats()
	jobs = chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{SystemID: "s_1", OrderBy: "id", MaxJobs: 150})).must(t)
	if len(jobs) != 150 || jobs[0].ID != want[len(want)-1] || jobs[149].ID != want[len(want)-150] {
		t.Fatalf("newest 150 of s_1: %d jobs", len(jobs))
	}
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/:id/jobs"]; n != 2 {
		t.Fatalf("MaxJobs 150 took %d requests, want 2", n)
	}
}

// TestSimGetRunnerIncludeProjects: include_projects=false leaves the
// projects key out (lib/api/entities/ci/runner_details.rb); GetRunner keeps
// GitLab's default and lists them.
func TestSimGetRunnerIncludeProjects(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	_, _, app, _ := e.tree()
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeProject, ProjectID: app.ID}, 1)
	noErr(t, err)
	if r := chk(e.admin.GetRunner(e.ctx, ids[0])).must(t); len(r.Projects) != 1 || r.Projects[0].ID != app.ID {
		t.Fatalf("GetRunner projects: %+v", r.Projects)
	}
	no, yes := false, true
	if r := chk(e.admin.GetRunner(e.ctx, ids[0], GetRunnerOptions{IncludeProjects: &no})).must(t); r.Projects != nil {
		t.Fatalf("include_projects=false returned projects: %+v", r.Projects)
	}
	if r := chk(e.admin.GetRunner(e.ctx, ids[0], GetRunnerOptions{IncludeProjects: &yes})).must(t); len(r.Projects) != 1 {
		t.Fatalf("include_projects=true projects: %+v", r.Projects)
	}
}
