package gitlabsim

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func idsEq(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: ids = %v, want %v", what, got, want)
	}
}

func TestListOwnedRunners(t *testing.T) {
	w := newWorld(t)
	for who, want := range map[string][]int64{
		// root created top and sub, so it is their Owner; instance runners are
		// never "owned", even by an admin.
		"admin":    {w.gtop, w.gsub, w.r1, w.r12, w.r2},
		"owner":    {w.gtop, w.gsub, w.r1, w.r12, w.r2},
		"gmaint":   {w.r1, w.r12, w.r2},
		"subowner": {w.gsub, w.r1, w.r12},
		"pmaint":   {w.r1, w.r12},
		"p2maint":  {w.r12, w.r2},
		"dev":      {},
		"stranger": {},
	} {
		r := w.do("GET", "runners", w.tok[who], nil)
		w.want(r, 200, "")
		idsEq(t, "GET /runners as "+who, r.ids(t), want)
	}
}

func TestListAllRunners(t *testing.T) {
	w := newWorld(t)
	r := w.do("GET", "runners/all", rootToken, nil)
	w.want(r, 200, "")
	idsEq(t, "all", r.ids(t), []int64{w.inst, w.gtop, w.gsub, w.r1, w.r12, w.r2})
	w.want(w.do("GET", "runners/all", w.tok["owner"], nil), 403, `{"message":"403 Forbidden"}`)
	// Runner entity fields, exactly.
	m := r.arr(t)[0]
	jsonEq(t, m, fmt.Sprintf(`{"id":%d,"description":"inst","ip_address":null,"active":true,"paused":false,"is_shared":true,
		"runner_type":"instance_type","name":null,"online":null,"created_by":{"id":1,"username":"root","name":"Administrator",
		"state":"active","locked":false,"avatar_url":"%s","web_url":"http://example.com/root"},
		"created_at":"2025-05-03T00:00:00.000Z","status":"never_contacted","job_execution_status":"idle"}`, w.inst, avatarURL("admin@example.com")))
}

func TestListProjectRunners(t *testing.T) {
	w := newWorld(t)
	get := func(who string, ref any) *resp {
		return w.do("GET", fmt.Sprintf("projects/%v/runners", ref), w.tok[who], nil)
	}
	r := get("pmaint", w.p1)
	w.want(r, 200, "")
	idsEq(t, "p1", r.ids(t), []int64{w.inst, w.gtop, w.gsub, w.r1, w.r12})
	r = get("pmaint", "top%2Fsub%2Fp1")
	w.want(r, 200, "")
	idsEq(t, "p1 by path", r.ids(t), []int64{w.inst, w.gtop, w.gsub, w.r1, w.r12})
	r = get("p2maint", w.p2)
	idsEq(t, "p2", r.ids(t), []int64{w.inst, w.gtop, w.r12, w.r2})

	w.want(get("dev", w.p1), 403, `{"message":"403 Forbidden"}`)
	w.want(get("stranger", w.p1), 404, `{"message":"404 Project Not Found"}`)
	w.want(get("pmaint", 9999), 404, `{"message":"404 Project Not Found"}`)

	w.want(w.do("PUT", fmt.Sprintf("projects/%d", w.p1), w.tok["pmaint"], map[string]any{"shared_runners_enabled": false}), 200, "")
	idsEq(t, "p1 without shared", get("pmaint", w.p1).ids(t), []int64{w.gtop, w.gsub, w.r1, w.r12})
	w.want(w.do("PUT", fmt.Sprintf("projects/%d", w.p1), w.tok["pmaint"], map[string]any{"group_runners_enabled": false}), 200, "")
	idsEq(t, "p1 without group runners", get("pmaint", w.p1).ids(t), []int64{w.r1, w.r12})

	// Deprecated scope accepts every AVAILABLE_SCOPES value here.
	idsEq(t, "scope=specific", w.do("GET", fmt.Sprintf("projects/%d/runners?scope=specific", w.p2), rootToken, nil).ids(t), []int64{w.gtop, w.r12, w.r2})
	idsEq(t, "type=group_type", w.do("GET", fmt.Sprintf("projects/%d/runners?type=group_type", w.p2), rootToken, nil).ids(t), []int64{w.gtop})
}

func TestListGroupRunners(t *testing.T) {
	w := newWorld(t)
	r := w.do("GET", fmt.Sprintf("groups/%d/runners", w.sub), w.tok["gmaint"], nil)
	w.want(r, 200, "")
	idsEq(t, "sub", r.ids(t), []int64{w.inst, w.gtop, w.gsub})
	idsEq(t, "top", w.do("GET", "groups/top/runners", w.tok["owner"], nil).ids(t), []int64{w.inst, w.gtop})
	idsEq(t, "sub by path", w.do("GET", "groups/top%2Fsub/runners?type=group_type", w.tok["subowner"], nil).ids(t), []int64{w.gtop, w.gsub})
	// dev can see the group (member of a project in it) but is not Maintainer.
	w.want(w.do("GET", fmt.Sprintf("groups/%d/runners", w.sub), w.tok["dev"], nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("GET", fmt.Sprintf("groups/%d/runners", w.sub), w.tok["stranger"], nil), 404, `{"message":"404 Group Not Found"}`)
	// No scope parameter on group runners: it is ignored like any unknown param.
	w.want(w.do("GET", fmt.Sprintf("groups/%d/runners?scope=bogus", w.sub), w.tok["gmaint"], nil), 200, "")
}

// statusFixture seeds runners with known timestamps and returns them by name.
func statusFixture(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	at := func(d time.Duration) *time.Time { x := t0.Add(-d); return &x }
	h, d := time.Hour, 24*time.Hour
	out := map[string]int64{}
	for _, s := range []struct {
		name               string
		created, contacted *time.Time
		paused             bool
		tags               []string
		version            string
	}{
		{name: "new"},
		{name: "online", contacted: at(h), tags: []string{"a", "b"}, version: "17.11.0"},
		{name: "offline", contacted: at(3 * h), tags: []string{"a"}, version: "16.10.1"},
		{name: "pausedOnline", contacted: at(h), paused: true, version: "17.1.0"},
		{name: "staleNever", created: at(8 * d)},
		{name: "staleContacted", created: at(8 * d), contacted: at(8 * d)},
		{name: "oldButOnline", created: at(8 * d), contacted: at(h)},
		{name: "pausedNever", paused: true},
		{name: "pausedOffline", contacted: at(3 * h), paused: true},
		{name: "pausedStale", created: at(9 * d), contacted: at(8 * d), paused: true},
		{name: "edgeOnline", contacted: at(2 * h)},                    // exactly 2h: offline
		{name: "edgeStale", created: at(7 * d), contacted: at(7 * d)}, // exactly 7d: stale
	} {
		ids, err := e.sim.SeedRunners(RunnerSeed{RunnerType: "instance_type", Description: s.name, CreatedAt: s.created,
			ContactedAt: s.contacted, Paused: s.paused, Tags: s.tags, Version: s.version}, 1)
		if err != nil {
			t.Fatal(err)
		}
		out[s.name] = ids[0]
	}
	return out
}

func TestRunnerStatus(t *testing.T) {
	e := newEnv(t)
	ids := statusFixture(t, e)
	want := map[string][2]any{ // status, online
		"new": {"never_contacted", nil}, "online": {"online", true}, "offline": {"offline", false},
		"pausedOnline": {"paused", true}, "staleNever": {"stale", nil}, "staleContacted": {"stale", false},
		"oldButOnline": {"online", true}, "pausedNever": {"never_contacted", nil}, "pausedOffline": {"paused", false},
		"pausedStale": {"stale", false}, "edgeOnline": {"offline", false}, "edgeStale": {"stale", false},
	}
	for name, id := range ids {
		m := e.do("GET", fmt.Sprintf("runners/%d", id), rootToken, nil).obj(t)
		if m["status"] != want[name][0] || m["online"] != want[name][1] {
			t.Errorf("%s: status=%v online=%v, want %v", name, m["status"], m["online"], want[name])
		}
	}
	// The clock moves: the online runner goes offline after two more hours,
	// the new one goes stale after a week.
	e.sim.AdvanceClock(2 * time.Hour)
	if m := e.do("GET", fmt.Sprintf("runners/%d", ids["online"]), rootToken, nil).obj(t); m["status"] != "offline" || m["online"] != false {
		t.Errorf("after 2h: %v %v", m["status"], m["online"])
	}
	e.sim.AdvanceClock(7 * 24 * time.Hour)
	if m := e.do("GET", fmt.Sprintf("runners/%d", ids["new"]), rootToken, nil).obj(t); m["status"] != "stale" {
		t.Errorf("after a week: %v", m["status"])
	}
}

func TestRunnerListFilters(t *testing.T) {
	e := newEnv(t)
	ids := statusFixture(t, e)
	names := func(ns ...string) []int64 {
		var out []int64
		for _, n := range ns {
			out = append(out, ids[n])
		}
		// ids were assigned in fixture order, so sort by id.
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if out[j] < out[i] {
					out[i], out[j] = out[j], out[i]
				}
			}
		}
		return out
	}
	cases := []struct {
		query string
		want  []int64
	}{
		{"status=online", names("online", "pausedOnline", "oldButOnline")},
		{"status=offline", names("offline", "staleContacted", "pausedOffline", "pausedStale", "edgeOnline", "edgeStale")},
		{"status=never_contacted", names("new", "staleNever", "pausedNever")},
		{"status=stale", names("staleNever", "staleContacted", "pausedStale", "edgeStale")},
		{"status=paused", names("pausedOnline", "pausedNever", "pausedOffline", "pausedStale")},
		{"status=active&type=instance_type", names("new", "online", "offline", "staleNever", "staleContacted", "oldButOnline", "edgeOnline", "edgeStale")},
		{"paused=true", names("pausedOnline", "pausedNever", "pausedOffline", "pausedStale")},
		{"paused=false&status=online", names("online", "oldButOnline")},
		{"scope=online", names("online", "pausedOnline", "oldButOnline")},
		{"scope=shared&status=never_contacted", names("new", "staleNever", "pausedNever")},
		{"tag_list=a", names("online", "offline")},
		{"tag_list=a,b", names("online")},
		{"tag_list[]=b&tag_list[]=a", names("online")},
		{"tag_list=a,zzz", nil},
		{"version_prefix=17", names("online", "pausedOnline")},
		{"version_prefix=17.1", names("online", "pausedOnline")},
		{"version_prefix=17.11", names("online")},
		{"version_prefix=16.", names("offline")},
		{"type=group_type", nil},
	}
	for _, c := range cases {
		r := e.do("GET", "runners/all?per_page=100&"+c.query, rootToken, nil)
		if r.code != 200 {
			t.Errorf("%s: %s", c.query, r)
			continue
		}
		idsEq(t, c.query, r.ids(t), c.want)
	}
	errs := []struct{ path, want string }{
		{"runners/all?type=shared", `{"error":"type does not have a valid value"}`},
		{"runners/all?status=busy", `{"error":"status does not have a valid value"}`},
		{"runners/all?paused=sometimes", `{"error":"paused is invalid"}`},
		{"runners/all?version_prefix=abc", `{"error":"version_prefix is invalid"}`},
		{"runners/all?scope=bogus", `{"error":"scope does not have a valid value"}`},
		{"runners/all?type=x&status=y", `{"error":"type does not have a valid value, status does not have a valid value"}`},
		// /runners only allows statuses as the deprecated scope.
		{"runners?scope=specific", `{"message":"Scope contains invalid value"}`},
		{"runners?scope=shared", `{"message":"Scope contains invalid value"}`},
		{"runners?per_page=x", `{"error":"per_page is invalid"}`},
	}
	for _, c := range errs {
		e.want(e.do("GET", c.path, rootToken, nil), 400, c.want)
	}
	e.want(e.do("GET", "runners?scope=online", rootToken, nil), 200, "[]")
	e.want(e.do("GET", "runners/all?scope=specific", rootToken, nil), 200, "[]")
}

func TestJobExecutionStatus(t *testing.T) {
	w := newWorld(t)
	if _, err := w.sim.AddJob(w.r1, JobSeed{Status: "success"}); err != nil {
		t.Fatal(err)
	}
	if m := w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil).obj(t); m["job_execution_status"] != "idle" {
		t.Fatalf("finished job only: %v", m["job_execution_status"])
	}
	if _, err := w.sim.AddJob(w.r1, JobSeed{Status: "running", SystemID: "s_1"}); err != nil {
		t.Fatal(err)
	}
	if m := w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil).obj(t); m["job_execution_status"] != "active" {
		t.Fatalf("running job: %v", m["job_execution_status"])
	}
	for _, m := range w.do("GET", "runners/all", rootToken, nil).arr(t) {
		want := "idle"
		if int64(m["id"].(float64)) == w.r1 {
			want = "active"
		}
		if m["job_execution_status"] != want {
			t.Errorf("list runner %v: %v", m["id"], m["job_execution_status"])
		}
	}
}
