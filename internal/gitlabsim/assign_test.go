package gitlabsim

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func TestAssignRunnerToProject(t *testing.T) {
	w := newWorld(t)
	// pmaint2 maintains p1 and p3, so they can move p1's runners to p3.
	uid, tok := w.user("pmaint2")
	p3 := w.project(rootToken, "p3", w.top)
	w.member("projects", w.p1, uid, 40)
	w.member("projects", p3, uid, 40)
	locked, _ := w.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": w.p1, "locked": true})

	assign := func(tok string, project any, body any) *resp {
		return w.do("POST", fmt.Sprintf("projects/%v/runners", project), tok, body)
	}
	cases := []struct {
		name    string
		tok     string
		project any
		body    any
		code    int
		want    string
	}{
		{"missing runner_id", tok, p3, map[string]any{}, 400, `{"error":"runner_id is missing"}`},
		{"bad runner_id", tok, p3, map[string]any{"runner_id": "abc"}, 400, `{"error":"runner_id is invalid"}`},
		{"unknown runner", tok, p3, map[string]any{"runner_id": 9999}, 404, `{"message":"404 Runner Not Found"}`},
		{"group runner", tok, p3, map[string]any{"runner_id": w.gtop}, 403, `{"message":"403 Forbidden - Runner is a group runner"}`},
		{"group runner by admin", rootToken, p3, map[string]any{"runner_id": w.gtop}, 403, `{"message":"403 Forbidden - Runner is a group runner"}`},
		{"locked runner", tok, p3, map[string]any{"runner_id": locked}, 403, `{"message":"403 Forbidden - Runner is locked"}`},
		{"runner of another project", tok, p3, map[string]any{"runner_id": w.r2}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"instance runner by non-admin", tok, p3, map[string]any{"runner_id": w.inst}, 403, `{"message":"403 Forbidden - No access granted"}`},
		{"developer of target", w.tok["dev"], w.p1, map[string]any{"runner_id": w.r2}, 403, `{"message":"403 Forbidden"}`},
		{"invisible project", w.tok["stranger"], p3, map[string]any{"runner_id": w.r1}, 404, `{"message":"404 Project Not Found"}`},
		{"already assigned", rootToken, w.p1, map[string]any{"runner_id": w.r1}, 400,
			`{"message":"Assign to Validation failed: Runner projects runner has already been taken - runner_error"}`},
		{"ok", tok, p3, map[string]any{"runner_id": w.r1}, 201, ""},
		{"ok by path, form body", tok, "top%2Fp3", url.Values{"runner_id": {fmt.Sprint(w.r12)}}, 201, ""},
		{"locked runner by admin", rootToken, p3, map[string]any{"runner_id": locked}, 201, ""},
		{"instance runner by admin", rootToken, p3, map[string]any{"runner_id": w.inst}, 500, `{"message":"500 Internal Server Error"}`},
	}
	for _, c := range cases {
		r := assign(c.tok, c.project, c.body)
		if r.code != c.code {
			t.Errorf("%s: %s, want %d", c.name, r, c.code)
			continue
		}
		if c.want != "" {
			w.want(r, c.code, c.want)
		}
	}
	// The answer of a successful assignment is the Runner entity.
	r := assign(rootToken, w.p2, map[string]any{"runner_id": w.r1})
	w.want(r, 201, "")
	if m := r.obj(t); m["id"] != float64(w.r1) || m["runner_type"] != "project_type" || m["tag_list"] != nil {
		t.Fatalf("assign answer: %v", m)
	}
	idsEq(t, "p3 runners", w.do("GET", fmt.Sprintf("projects/%d/runners?type=project_type", p3), tok, nil).ids(t), []int64{w.r1, w.r12, locked})
	// The owner project stays first.
	m := w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil).obj(t)
	if ps := m["projects"].([]any); len(ps) != 3 || ps[0].(map[string]any)["id"] != float64(w.p1) {
		t.Fatalf("projects: %v", ps)
	}
}

func TestUnassignRunnerFromProject(t *testing.T) {
	w := newWorld(t)
	uid, tok := w.user("pmaint2")
	w.member("projects", w.p2, uid, 40)
	lockedMulti, _ := w.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": w.p1, "locked": true})
	w.want(w.do("POST", fmt.Sprintf("projects/%d/runners", w.p2), rootToken, map[string]any{"runner_id": lockedMulti}), 201, "")

	del := func(tok string, project, runner any) *resp {
		return w.do("DELETE", fmt.Sprintf("projects/%v/runners/%v", project, runner), tok, nil)
	}
	w.want(del(tok, w.p2, "x"), 400, `{"error":"runner_id is invalid"}`)
	w.want(del(tok, w.p2, w.r1), 404, `{"message":"404 Runner Not Found"}`) // not assigned to p2
	w.want(del(tok, w.p2, 9999), 404, `{"message":"404 Runner Not Found"}`)
	w.want(del(w.tok["pmaint"], w.p1, w.r12), 403, `{"message":"403 Forbidden - No access granted"}`) // owner project, non-admin
	w.want(del(rootToken, w.p1, w.r12), 403, `{"message":"403 Forbidden - You cannot unassign a runner from the owner project. Delete the runner instead"}`)
	w.want(del(w.tok["dev"], w.p1, w.r12), 403, `{"message":"403 Forbidden"}`)
	w.want(del(w.tok["stranger"], w.p2, w.r12), 404, `{"message":"404 Project Not Found"}`)
	w.want(del(tok, w.p2, lockedMulti), 403, `{"message":"403 Forbidden - Runner is locked"}`)
	r := del(tok, w.p2, w.r12)
	w.want(r, 204, "")
	if len(r.body) != 0 {
		t.Fatalf("204 body %q", r.body)
	}
	m := w.do("GET", fmt.Sprintf("runners/%d", w.r12), rootToken, nil).obj(t)
	if ps := m["projects"].([]any); len(ps) != 1 {
		t.Fatalf("projects after unassign: %v", ps)
	}
	// With a single project left, the Maintainer can delete it now.
	w.want(w.do("DELETE", fmt.Sprintf("runners/%d", w.r12), w.tok["pmaint"], nil), 204, "")
	w.want(del(rootToken, w.p2, lockedMulti), 204, "")
}

func TestDeleteWithIfUnmodifiedSince(t *testing.T) {
	w := newWorld(t)
	past := t0.Add(-1e9 * 3600).UTC().Format(http.TimeFormat)
	w.want(w.do("DELETE", fmt.Sprintf("runners/%d", w.r1), rootToken, nil, "If-Unmodified-Since", past), 412, `{"message":"412 Precondition Failed"}`)
	future := t0.Add(1e9 * 3600).UTC().Format(http.TimeFormat)
	w.want(w.do("DELETE", fmt.Sprintf("runners/%d", w.r1), rootToken, nil, "If-Unmodified-Since", future), 204, "")
}

func TestProjectDeletionMovesRunnerOwnership(t *testing.T) {
	w := newWorld(t)
	w.want(w.do("DELETE", fmt.Sprintf("projects/%d", w.p1), w.tok["pmaint"], nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("DELETE", fmt.Sprintf("projects/%d", w.p1), w.tok["owner"], nil), 202, `{"message":"202 Accepted"}`)
	// r1 lost its only project and is gone; r12 is now owned by p2.
	w.want(w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil), 404, `{"message":"404 Runner Not Found"}`)
	m := w.do("GET", fmt.Sprintf("runners/%d", w.r12), rootToken, nil).obj(t)
	if ps := m["projects"].([]any); len(ps) != 1 || ps[0].(map[string]any)["id"] != float64(w.p2) {
		t.Fatalf("r12 projects: %v", ps)
	}
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.r12), w.tok["p2maint"], map[string]any{"paused": true}), 200, "")
	// Group deletion removes its group runners, subgroups and their runners.
	w.want(w.do("DELETE", fmt.Sprintf("groups/%d", w.top), w.tok["gmaint"], nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("DELETE", fmt.Sprintf("groups/%d", w.top), w.tok["owner"], nil), 202, `{"message":"202 Accepted"}`)
	idsEq(t, "after group delete", w.do("GET", "runners/all", rootToken, nil).ids(t), []int64{w.inst})
	w.want(w.do("GET", fmt.Sprintf("groups/%d", w.sub), rootToken, nil), 404, `{"message":"404 Group Not Found"}`)
}
