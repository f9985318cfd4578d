package gitlabsim

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestRouteNamesMatchHandlers keeps the one-name-per-endpoint rule: every
// route's name is unique, non-empty and the name of its handler.
func TestRouteNamesMatchHandlers(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range apiRoutes() {
		if r.name == "" {
			t.Errorf("%s has no name", r.tmpl)
			continue
		}
		if seen[r.name] {
			t.Errorf("name %q used twice", r.name)
		}
		seen[r.name] = true
		fn := runtime.FuncForPC(reflect.ValueOf(r.handler).Pointer()).Name()
		if h := fn[strings.LastIndex(fn, ".")+1:]; h != r.name {
			t.Errorf("%s: name %q, handler %q", r.tmpl, r.name, h)
		}
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
