package gitlab

import (
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// EachRunnerPage asks for one page at a time and stops as soon as the
// consumer does, which is what lets `terraform query -limit` stop early.
func TestEachRunnerPageStreamsAndStops(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance, Tags: []string{"paged"}}, 7)
	noErr(t, err)
	opts := ListRunnersOptions{TagList: []string{"paged"}}
	const route = "GET /api/v4/runners/all"

	before := e.srv.Stats().ByRoute[route]
	var got []int64
	var sizes []int
	noErr(t, e.admin.EachRunnerPage(e.ctx, RunnerListScope{All: true}, opts, 3, func(page []Runner) bool {
		sizes = append(sizes, len(page))
		for _, r := range page {
			got = append(got, r.ID)
		}
		return true
	}))
	if len(got) != len(ids) || got[0] != ids[0] || got[6] != ids[6] {
		t.Fatalf("got ids %v, want %v", got, ids)
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[2] != 1 {
		t.Errorf("page sizes %v, want [3 3 1]", sizes)
	}
	if n := e.srv.Stats().ByRoute[route] - before; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	before = e.srv.Stats().ByRoute[route]
	pages := 0
	noErr(t, e.admin.EachRunnerPage(e.ctx, RunnerListScope{All: true}, opts, 3, func([]Runner) bool {
		pages++
		return false
	}))
	if n := e.srv.Stats().ByRoute[route] - before; pages != 1 || n != 1 {
		t.Errorf("stopping after the first page: %d pages handed out, %d requests; want 1 and 1", pages, n)
	}

	// No runner matches: no page is handed out, and that is not an error.
	called := false
	noErr(t, e.admin.EachRunnerPage(e.ctx, RunnerListScope{}, ListRunnersOptions{TagList: []string{"none-has-this"}}, 0,
		func([]Runner) bool { called = true; return true }))
	if called {
		t.Error("yield called for an empty list")
	}
}

func TestRunnerListScopePaths(t *testing.T) {
	for _, tc := range []struct {
		scope RunnerListScope
		want  string
	}{
		{RunnerListScope{}, "/runners"},
		{RunnerListScope{All: true}, "/runners/all"},
		{RunnerListScope{Group: "acme/platform"}, "/groups/acme%2Fplatform/runners"},
		{RunnerListScope{Project: "42"}, "/projects/42/runners"},
	} {
		got, err := tc.scope.path()
		if err != nil || got != tc.want {
			t.Errorf("%+v: %q, %v; want %q", tc.scope, got, err, tc.want)
		}
	}
}

// A page that fails with a 502 or is rate limited is retried like every
// other read, and the stream carries on where it was.
func TestEachRunnerPageRetriesAPage(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	_, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance, Tags: []string{"retried"}}, 5)
	noErr(t, err)
	pages, total := 0, 0
	noErr(t, e.admin.EachRunnerPage(e.ctx, RunnerListScope{All: true}, ListRunnersOptions{TagList: []string{"retried"}}, 2,
		func(page []Runner) bool {
			pages++
			total += len(page)
			if pages == 1 {
				e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: "/api/v4/runners/all", Kind: gitlabsim.FaultError502})
			}
			if pages == 2 {
				e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: "/api/v4/runners/all", Kind: gitlabsim.FaultRateLimit})
			}
			return true
		}))
	if pages != 3 || total != 5 {
		t.Errorf("%d pages with %d runners, want 3 pages with 5", pages, total)
	}
	st := e.srv.Stats()
	if st.Faults[gitlabsim.FaultError502] != 1 || st.Faults[gitlabsim.FaultRateLimit] != 1 {
		t.Errorf("faults fired: %v, want one 502 and one 429", st.Faults)
	}
}
