package gitlab_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// TestEndpointNamesMatchSimulator keeps one name per endpoint across the
// layers: every Client method that calls GitLab has a simulator route (and
// handler) of the same name with a lower-case first letter, so a reader
// finds the handler of any client call with one search.
func TestEndpointNamesMatchSimulator(t *testing.T) {
	// EachRunnerPage streams any of the four runner listings (ListRunners,
	// ListAllRunners, ListGroupRunners, ListProjectRunners name those routes).
	notEndpoints := map[string]bool{"BaseURL": true, "WithToken": true, "EachRunnerPage": true}
	routes := map[string]gitlabsim.RouteInfo{}
	for _, r := range gitlabsim.Routes() {
		routes[r.Name] = r
	}
	typ := reflect.TypeFor[*gitlab.Client]()
	checked := 0
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if notEndpoints[name] {
			continue
		}
		checked++
		want := string(unicode.ToLower(rune(name[0]))) + name[1:]
		if _, ok := routes[want]; !ok {
			t.Errorf("client method %s has no simulator route named %q", name, want)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d client endpoint methods found; the reflection walk is broken", checked)
	}
	// The simulator may serve endpoints the client never calls, but say which,
	// so a new client method cannot silently drift from its handler's name.
	var simOnly []string
	for name := range routes {
		m := strings.ToUpper(name[:1]) + name[1:]
		if _, ok := typ.MethodByName(m); !ok {
			simOnly = append(simOnly, name)
		}
	}
	for _, n := range simOnly {
		if n != "getUser" {
			t.Errorf("simulator route %q has no client method %q", n, strings.ToUpper(n[:1])+n[1:])
		}
	}
}
