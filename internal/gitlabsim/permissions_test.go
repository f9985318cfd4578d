package gitlabsim

import (
	"fmt"
	"testing"
)

// world is a small ownership graph built through the API:
//
//	top (group)            owner: Owner, gmaint: Maintainer
//	├── sub (group)        subowner: Owner
//	│   └── p1 (project)   pmaint: Maintainer, dev: Developer, rep: Reporter
//	└── p2 (project)       p2maint: Maintainer
//
// runners: inst (instance), gtop (group top), gsub (group sub), r1 (p1),
// r12 (p1 then p2), r2 (p2).
type world struct {
	*env
	top, sub, p1, p2                      int64
	tok                                   map[string]string
	uid                                   map[string]int64
	inst, gtop, gsub, r1, r12, r2         int64
	instTok, gtopTok, r1Tok, r12Tok, r2Tk string
}

func newWorld(t *testing.T, opts ...func(*Options)) *world {
	t.Helper()
	w := &world{env: newEnv(t, opts...), tok: map[string]string{}, uid: map[string]int64{}}
	for _, n := range []string{"owner", "gmaint", "subowner", "pmaint", "dev", "rep", "p2maint", "stranger"} {
		w.uid[n], w.tok[n] = w.user(n)
	}
	w.tok["admin"] = rootToken
	w.top = w.group(rootToken, "top", 0)
	w.sub = w.group(rootToken, "sub", w.top)
	w.p1 = w.project(rootToken, "p1", w.sub)
	w.p2 = w.project(rootToken, "p2", w.top)
	w.member("groups", w.top, w.uid["owner"], 50)
	w.member("groups", w.top, w.uid["gmaint"], 40)
	w.member("groups", w.sub, w.uid["subowner"], 50)
	w.member("projects", w.p1, w.uid["pmaint"], 40)
	w.member("projects", w.p1, w.uid["dev"], 30)
	w.member("projects", w.p1, w.uid["rep"], 20)
	w.member("projects", w.p2, w.uid["p2maint"], 40)
	w.inst, w.instTok = w.runner(rootToken, map[string]any{"runner_type": "instance_type", "description": "inst"})
	w.gtop, w.gtopTok = w.runner(rootToken, map[string]any{"runner_type": "group_type", "group_id": w.top, "description": "gtop"})
	w.gsub, _ = w.runner(rootToken, map[string]any{"runner_type": "group_type", "group_id": w.sub, "description": "gsub"})
	w.r1, w.r1Tok = w.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": w.p1, "description": "r1"})
	w.r12, w.r12Tok = w.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": w.p1, "description": "r12"})
	w.want(w.do("POST", fmt.Sprintf("projects/%d/runners", w.p2), rootToken, map[string]any{"runner_id": w.r12}), 201, "")
	w.r2, w.r2Tk = w.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": w.p2, "description": "r2"})
	return w
}

const noAccess = `{"message":"403 Forbidden - No access granted"}`

func TestRunnerPermissionsByRole(t *testing.T) {
	w := newWorld(t)
	type tc struct {
		runner *int64
		ok     []string // callers allowed (others get 403 No access granted)
	}
	all := []string{"admin", "owner", "gmaint", "subowner", "pmaint", "dev", "rep", "p2maint", "stranger"}
	minus := func(ok []string) []string {
		var out []string
		for _, a := range all {
			if !contains(ok, a) {
				out = append(out, a)
			}
		}
		return out
	}
	t.Run("GET", func(t *testing.T) {
		for name, c := range map[string]tc{
			"instance": {runner: &w.inst, ok: all},
			// runner_policy.rb: Maintainers of projects inheriting a group
			// runner (group runners enabled) may read it.
			"group top":        {runner: &w.gtop, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint", "p2maint"}},
			"group sub":        {runner: &w.gsub, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint"}},
			"project p1":       {runner: &w.r1, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint"}},
			"project p1+p2":    {runner: &w.r12, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint", "p2maint"}},
			"project p2 (top)": {runner: &w.r2, ok: []string{"admin", "owner", "gmaint", "p2maint"}},
		} {
			for _, who := range c.ok {
				r := w.do("GET", fmt.Sprintf("runners/%d", *c.runner), w.tok[who], nil)
				if r.code != 200 {
					t.Errorf("%s: GET as %s = %s, want 200", name, who, r)
				}
				r = w.do("GET", fmt.Sprintf("runners/%d/managers", *c.runner), w.tok[who], nil)
				if r.code != 200 {
					t.Errorf("%s: GET managers as %s = %s, want 200", name, who, r)
				}
			}
			for _, who := range minus(c.ok) {
				r := w.do("GET", fmt.Sprintf("runners/%d", *c.runner), w.tok[who], nil)
				if r.code != 403 || string(r.body) != noAccess {
					t.Errorf("%s: GET as %s = %s, want 403 No access granted", name, who, r)
				}
				r = w.do("GET", fmt.Sprintf("runners/%d/managers", *c.runner), w.tok[who], nil)
				if r.code != 403 || string(r.body) != noAccess {
					t.Errorf("%s: GET managers as %s = %s, want 403", name, who, r)
				}
			}
		}
	})
	t.Run("PUT and token reset", func(t *testing.T) {
		for name, c := range map[string]tc{
			"instance":  {runner: &w.inst, ok: []string{"admin"}},
			"group top": {runner: &w.gtop, ok: []string{"admin", "owner"}},
			"group sub": {runner: &w.gsub, ok: []string{"admin", "owner", "subowner"}},
			// runner_policy.rb: Maintainers of any project of a multi-project
			// runner may update it.
			"project p1+p2": {runner: &w.r12, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint", "p2maint"}},
			"project p1":    {runner: &w.r1, ok: []string{"admin", "owner", "gmaint", "subowner", "pmaint"}},
		} {
			for _, who := range all {
				r := w.do("PUT", fmt.Sprintf("runners/%d", *c.runner), w.tok[who], map[string]any{"description": "by " + who})
				r2 := w.do("POST", fmt.Sprintf("runners/%d/reset_authentication_token", *c.runner), w.tok[who], nil)
				if contains(c.ok, who) {
					if r.code != 200 || r.obj(t)["description"] != "by "+who {
						t.Errorf("%s: PUT as %s = %s, want 200", name, who, r)
					}
					if r2.code != 201 {
						t.Errorf("%s: reset token as %s = %s, want 201", name, who, r2)
					}
				} else {
					if r.code != 403 || string(r.body) != noAccess {
						t.Errorf("%s: PUT as %s = %s, want 403 No access granted", name, who, r)
					}
					if r2.code != 403 || string(r2.body) != noAccess {
						t.Errorf("%s: reset token as %s = %s, want 403", name, who, r2)
					}
				}
			}
		}
	})
}

func TestDeleteRunnerPermissions(t *testing.T) {
	w := newWorld(t)
	multi := `{"message":"403 Forbidden - Runner associated with more than one project"}`
	cases := []struct {
		who    string
		runner func() int64
		code   int
		body   string
	}{
		{"stranger", func() int64 { return w.inst }, 403, noAccess},
		{"owner", func() int64 { return w.inst }, 403, noAccess},
		{"gmaint", func() int64 { return w.gtop }, 403, noAccess},
		{"pmaint", func() int64 { return w.gsub }, 403, noAccess},
		{"dev", func() int64 { return w.r1 }, 403, noAccess},
		// The multi-project check comes before the access check, even for
		// someone with no access at all.
		{"stranger", func() int64 { return w.r12 }, 403, multi},
		{"pmaint", func() int64 { return w.r12 }, 403, multi},
		{"p2maint", func() int64 { return w.r2 }, 204, ""},
		{"pmaint", func() int64 { return w.r1 }, 204, ""},
		{"subowner", func() int64 { return w.gsub }, 204, ""},
		{"owner", func() int64 { return w.gtop }, 204, ""},
		{"admin", func() int64 { return w.r12 }, 204, ""},
		{"admin", func() int64 { return w.inst }, 204, ""},
		{"admin", func() int64 { return 9999 }, 404, `{"message":"404 Runner Not Found"}`},
	}
	for _, c := range cases {
		id := c.runner()
		r := w.do("DELETE", fmt.Sprintf("runners/%d", id), w.tok[c.who], nil)
		w.want(r, c.code, c.body)
		if c.code == 204 {
			if len(r.body) != 0 {
				t.Errorf("204 with body %q", r.body)
			}
			w.want(w.do("GET", fmt.Sprintf("runners/%d", id), rootToken, nil), 404, `{"message":"404 Runner Not Found"}`)
		}
	}
}

func TestMembershipInheritsFromAncestors(t *testing.T) {
	w := newWorld(t)
	// owner is only a member of top, yet Owner of sub's runner and
	// Maintainer+ of p1's runners.
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.gsub), w.tok["owner"], map[string]any{"locked": true}), 200, "")
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.r1), w.tok["owner"], map[string]any{"locked": true}), 200, "")
	// gmaint is Maintainer via top: can read sub's group runner but not update it.
	w.want(w.do("GET", fmt.Sprintf("runners/%d", w.gsub), w.tok["gmaint"], nil), 200, "")
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.gsub), w.tok["gmaint"], map[string]any{"locked": true}), 403, noAccess)
}

func TestMaintenanceNoteHiddenFromReaders(t *testing.T) {
	w := newWorld(t)
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.gtop), rootToken, map[string]any{"maintenance_note": "secret"}), 200, "")
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.inst), rootToken, map[string]any{"maintenance_note": "inst-note"}), 200, "")
	for _, c := range []struct {
		who    string
		runner int64
		note   any
	}{
		{"admin", w.gtop, "secret"},
		{"owner", w.gtop, "secret"},
		{"gmaint", w.gtop, nil}, // can read, cannot update
		{"admin", w.inst, "inst-note"},
		{"stranger", w.inst, nil},
	} {
		m := w.do("GET", fmt.Sprintf("runners/%d", c.runner), w.tok[c.who], nil).obj(t)
		v, ok := m["maintenance_note"]
		if !ok || v != c.note {
			t.Errorf("%s on runner %d: maintenance_note = %v (present %v), want %v", c.who, c.runner, v, ok, c.note)
		}
	}
}

func TestRunnerDetailsProjectsFilteredForNonAdmins(t *testing.T) {
	w := newWorld(t)
	// pmaint sees r12 but only p1 in its projects; admin sees both.
	m := w.do("GET", fmt.Sprintf("runners/%d", w.r12), w.tok["pmaint"], nil).obj(t)
	jsonEq(t, m["projects"], `[{"id":1,"name":"P1","name_with_namespace":"Top / Sub / P1","path":"p1","path_with_namespace":"top/sub/p1"}]`)
	m = w.do("GET", fmt.Sprintf("runners/%d", w.r12), rootToken, nil).obj(t)
	if len(m["projects"].([]any)) != 2 {
		t.Fatalf("admin projects = %v", m["projects"])
	}
	m = w.do("GET", fmt.Sprintf("runners/%d?include_projects=false", w.r12), rootToken, nil).obj(t)
	if _, ok := m["projects"]; ok {
		t.Fatalf("include_projects=false still has projects: %v", m)
	}
	jsonEq(t, m["groups"], `[]`)
	m = w.do("GET", fmt.Sprintf("runners/%d", w.gsub), w.tok["gmaint"], nil).obj(t)
	jsonEq(t, m["groups"], `[{"id":`+fmt.Sprint(w.sub)+`,"web_url":"http://example.com/groups/top/sub","name":"Sub"}]`)
	jsonEq(t, m["projects"], `[]`)
	w.want(w.do("GET", fmt.Sprintf("runners/%d?include_projects=maybe", w.r12), rootToken, nil), 400, `{"error":"include_projects is invalid"}`)
}
