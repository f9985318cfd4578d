package gitlabsim

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	unauth := `{"message":"401 Unauthorized"}`
	e.want(e.do("GET", "runners", "", nil), 401, unauth)
	e.want(e.do("GET", "runners", "glpat-nope", nil), 401, unauth)
	e.want(e.do("GET", "user", "", nil, "Authorization", "Bearer "+rootToken), 200, "")
	e.want(e.do("GET", "user", "", nil, "Authorization", "Bearer glpat-nope"), 401, unauth)
	e.want(e.do("GET", "/api/v4/user?private_token="+rootToken, "", nil), 200, "")
	// Runner-token endpoints do not need a user.
	e.want(e.do("POST", "runners/verify", "", map[string]any{"token": "glrt-unknown"}), 403, `{"message":"403 Forbidden"}`)

	// An expired personal access token gets OAuth's invalid_token body.
	uid, _ := e.user("alice")
	r := e.do("POST", fmt.Sprintf("users/%d/personal_access_tokens", uid), rootToken,
		map[string]any{"name": "short", "scopes": []string{"api"}, "expires_at": "2025-05-05"})
	e.want(r, 201, "")
	tok := r.obj(t)["token"].(string)
	if r.obj(t)["expires_at"] != "2025-05-05" {
		t.Fatalf("expires_at = %v", r.obj(t)["expires_at"])
	}
	e.want(e.do("GET", "user", tok, nil), 200, "")
	e.sim.AdvanceClock(48 * time.Hour) // 2025-05-05T00:00Z: expired from that day on
	e.want(e.do("GET", "user", tok, nil), 401,
		`{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`)
}

func TestTokenScopes(t *testing.T) {
	w := newWorld(t)
	uid := w.uid["pmaint"]
	tokens := map[string]string{}
	for _, sc := range []string{"read_api", "manage_runner", "create_runner", "read_user", "api"} {
		r := w.do("POST", fmt.Sprintf("users/%d/personal_access_tokens", uid), rootToken, map[string]any{"name": sc, "scopes": []string{sc}})
		w.want(r, 201, "")
		tokens[sc] = r.obj(t)["token"].(string)
	}
	// lib/api/api_guard.rb lists every scope registered for the endpoint's
	// class (manage_runner for lib/api/ci/runners.rb even where its if:
	// condition fails), then API::API's api and read_api.
	insufficient := func(scope string) string {
		return `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"` + scope + `"}`
	}
	r1 := fmt.Sprintf("runners/%d", w.r1)
	cases := []struct {
		scope, method, path string
		body                any
		code                int
		want                string
	}{
		{"read_api", "GET", "runners", nil, 200, ""},
		{"read_api", "GET", r1, nil, 200, ""},
		{"read_api", "GET", fmt.Sprintf("projects/%d/runners", w.p1), nil, 200, ""},
		{"read_api", "PUT", r1, map[string]any{"paused": true}, 403, insufficient("manage_runner api read_api")},
		{"read_api", "POST", "user/runners", map[string]any{"runner_type": "project_type", "project_id": w.p1}, 403, insufficient("create_runner api read_api")},
		{"read_api", "POST", fmt.Sprintf("projects/%d/runners", w.p1), map[string]any{"runner_id": w.r2}, 403, insufficient("manage_runner api read_api")},
		{"manage_runner", "GET", r1, nil, 200, ""},
		{"manage_runner", "PUT", r1, map[string]any{"paused": true}, 200, ""},
		{"manage_runner", "GET", r1 + "/managers", nil, 200, ""},
		{"manage_runner", "GET", r1 + "/jobs", nil, 200, ""},
		{"manage_runner", "POST", r1 + "/reset_authentication_token", nil, 201, ""},
		{"manage_runner", "GET", "runners", nil, 403, insufficient("manage_runner api read_api")},
		{"manage_runner", "GET", "runners/all", nil, 403, insufficient("manage_runner api read_api")},
		{"manage_runner", "POST", "user/runners", map[string]any{"runner_type": "project_type", "project_id": w.p1}, 403, insufficient("create_runner api read_api")},
		{"create_runner", "POST", "user/runners", map[string]any{"runner_type": "project_type", "project_id": w.p1}, 201, ""},
		{"create_runner", "GET", r1, nil, 403, insufficient("manage_runner api read_api")},
		{"create_runner", "GET", "runners", nil, 403, insufficient("manage_runner api read_api")},
		{"read_user", "GET", "user", nil, 200, ""},
		{"read_user", "GET", "runners", nil, 403, insufficient("manage_runner api read_api")},
		{"api", "DELETE", r1, nil, 204, ""},
	}
	for _, c := range cases {
		r := w.do(c.method, c.path, tokens[c.scope], c.body)
		if r.code != c.code {
			t.Errorf("%s %s %s = %s, want %d", c.scope, c.method, c.path, r, c.code)
			continue
		}
		if c.want != "" {
			w.want(r, c.code, c.want)
		}
		if c.code == 403 && r.hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s %s: no WWW-Authenticate header", c.scope, c.method, c.path)
		}
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("GET", "nope", rootToken, nil), 404, `{"error":"404 Not Found"}`)
	// lib/api/api.rb's catch-all route :any, '*path' answers 404 for a known
	// path under an unknown method.
	e.want(e.do("PATCH", "runners/1", rootToken, nil), 404, `{"error":"404 Not Found"}`)
	// Non-numeric ids are parameter errors, raised after authentication.
	e.want(e.do("GET", "runners/abc", "", nil), 401, "")
	e.want(e.do("GET", "runners/abc", rootToken, nil), 400, `{"error":"id is invalid"}`)
	e.want(e.do("GET", "runners/verify", rootToken, nil), 400, `{"error":"id is invalid"}`)
	e.want(e.do("DELETE", "projects/1/runners/x", rootToken, nil), 404, `{"message":"404 Project Not Found"}`)
	rec := httptest.NewRecorder()
	e.sim.ServeHTTP(rec, httptest.NewRequest("GET", "/explore", nil))
	if rec.Code != 404 {
		t.Fatalf("non-API path: %d", rec.Code)
	}
}
