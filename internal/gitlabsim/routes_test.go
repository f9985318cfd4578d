package gitlabsim

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func handlerName(h any) string {
	fn := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	return fn[strings.LastIndex(fn, ".")+1:]
}

// TestRouteNamesMatchHandlers keeps the one-name-per-endpoint rule: every
// route's name, public or admin, is unique, non-empty and the name of its
// handler.
func TestRouteNamesMatchHandlers(t *testing.T) {
	seen := map[string]bool{}
	check := func(where, name string, handler any) {
		t.Helper()
		if name == "" {
			t.Errorf("%s has no name", where)
			return
		}
		if seen[name] {
			t.Errorf("name %q used twice", name)
		}
		seen[name] = true
		if h := handlerName(handler); h != name {
			t.Errorf("%s: name %q, handler %q", where, name, h)
		}
	}
	for _, r := range apiRoutes() {
		check(r.tmpl, r.name, r.handler)
	}
	for _, r := range adminRoutes() {
		check(r.method+" /-/sim/"+strings.Join(r.pattern, "/"), r.name, r.handler)
	}
}

func TestAdminRouteMatching(t *testing.T) {
	e := newEnv(t)
	id := seedN(t, e.sim, 1, RunnerSeed{})[0]
	if r := e.do("GET", fmt.Sprintf("/-/sim/runners/%d/token/", id), "", nil); r.code != 200 {
		t.Fatalf("trailing slash: %s", r)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/-/sim/runners/abc/token"}, // :id must be numeric
		{"GET", fmt.Sprintf("/-/sim/runners/%d", id)},
		{"DELETE", "/-/sim/stats"},
		{"GET", "/-/sim"},
		{"GET", "/-/sim/stats/reset/now"},
	} {
		e.want(e.do(c.method, c.path, "", nil), 404, fmt.Sprintf(`{"error":"unknown admin endpoint %s %s"}`, c.method, c.path))
	}
}

func TestRoutesListing(t *testing.T) {
	rs := Routes()
	if len(rs) != len(apiRoutes()) {
		t.Fatalf("%d routes listed, table has %d", len(rs), len(apiRoutes()))
	}
	want := RouteInfo{Name: "getRunner", Method: "GET", Path: "/api/v4/runners/:id"}
	found := false
	for _, r := range rs {
		if r == want {
			found = true
		}
		if r.Name == "" || r.Method == "" || !strings.HasPrefix(r.Path, apiPrefix+"/") {
			t.Errorf("bad listing %+v", r)
		}
	}
	if !found {
		t.Fatalf("%+v not listed in %+v", want, rs)
	}
}
