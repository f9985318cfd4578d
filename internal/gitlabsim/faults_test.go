package gitlabsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type live struct {
	t   *testing.T
	srv *Server
	c   *http.Client
}

func startLive(t *testing.T, opts Options) *live {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	// Fresh connections so the client never silently retries on a
	// connection the simulator dropped.
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	return &live{t: t, srv: srv, c: c}
}

func (l *live) do(method, path string, body any) (*http.Response, []byte, error) {
	l.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, l.srv.URL+path, rd)
	req.Header.Set("PRIVATE-TOKEN", l.srv.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := l.c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b, nil
}

func (l *live) mustDo(method, path string, body any, code int) []byte {
	l.t.Helper()
	res, b, err := l.do(method, path, body)
	if err != nil {
		l.t.Fatalf("%s %s: %v", method, path, err)
	}
	if res.StatusCode != code {
		l.t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, code)
	}
	return b
}

var instanceRunner = map[string]any{"runner_type": "instance_type"}

func TestStartServesAPI(t *testing.T) {
	l := startLive(t, Options{})
	if !strings.HasPrefix(l.srv.URL, "http://127.0.0.1:") || l.srv.AdminToken != DefaultAdminToken {
		t.Fatalf("URL %q token %q", l.srv.URL, l.srv.AdminToken)
	}
	l.mustDo("POST", "/api/v4/user/runners", instanceRunner, 201)
	res, _, err := l.do("GET", "/api/v4/runners/all", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := res.Header["X-Prev-Page"]; !ok || v[0] != "" {
		t.Fatalf("X-Prev-Page over the wire: %v %v", v, ok)
	}
	if l := res.Header.Get("Link"); !strings.Contains(l, "<http://127.0.0.1:") {
		t.Fatalf("Link %q is not absolute", l)
	}
}

func TestInstanceThrottle(t *testing.T) {
	l := startLive(t, Options{Faults: FaultConfig{RateLimit: 3, RateLimitWindow: time.Minute}})
	for i := 0; i < 3; i++ {
		l.mustDo("GET", "/api/v4/user", nil, 200)
	}
	res, b, err := l.do("POST", "/api/v4/user/runners", instanceRunner)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 429 || string(b) != "Retry later\n" || res.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("throttled: %d %q %q", res.StatusCode, b, res.Header.Get("Content-Type"))
	}
	reset := t0.Add(time.Minute)
	for k, want := range map[string]string{"Retry-After": "60", "RateLimit-Limit": "3", "RateLimit-Observed": "4",
		"RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10),
		"RateLimit-ResetTime": reset.Format(http.TimeFormat)} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if n := l.srv.RunnerCount(); n != 0 {
		t.Fatalf("throttled POST was applied: %d runners", n)
	}
	if s := l.srv.Stats(); s.Faults[FaultRateLimit] != 1 || s.Requests != 4 {
		t.Fatalf("stats %+v", s)
	}
	l.srv.AdvanceClock(time.Minute)
	l.mustDo("POST", "/api/v4/user/runners", instanceRunner, 201)
}

func TestInjectedFaults(t *testing.T) {
	l := startLive(t, Options{})
	create := "/api/v4/user/runners"

	// 5xx: not applied.
	for kind, ct := range map[FaultKind]string{FaultError500: "application/json", FaultError502: "text/html; charset=utf-8", FaultError503: "text/html; charset=utf-8"} {
		l.srv.InjectFault(FaultRule{Method: "POST", Path: create, Kind: kind})
		res, _, err := l.do("POST", create, instanceRunner)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := strconv.Atoi(strings.TrimPrefix(string(kind), "error_"))
		if res.StatusCode != want || res.Header.Get("Content-Type") != ct {
			t.Errorf("%s: %d %s", kind, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if n := l.srv.RunnerCount(); n != 0 {
		t.Fatalf("5xx requests were applied: %d", n)
	}

	// conn_reset: connection closed before the request is applied.
	l.srv.InjectFault(FaultRule{Method: "POST", Path: create, Kind: FaultConnReset})
	if _, _, err := l.do("POST", create, instanceRunner); err == nil {
		t.Fatal("conn_reset: no client error")
	}
	if n := l.srv.RunnerCount(); n != 0 {
		t.Fatalf("conn_reset applied the request")
	}

	// lose_response: applied, but no answer.
	l.srv.InjectFault(FaultRule{Method: "POST", Path: create, Kind: FaultLoseResponse})
	if _, _, err := l.do("POST", create, instanceRunner); err == nil {
		t.Fatal("lose_response: no client error")
	}
	if n := l.srv.RunnerCount(); n != 1 {
		t.Fatalf("lose_response: %d runners, want 1", n)
	}

	// rate_limit rule with its own Retry-After; method and prefix matching;
	// Count consumes the rule.
	l.srv.InjectFault(FaultRule{Method: "GET", Path: "/api/v4/runners*", Kind: FaultRateLimit, RetryAfter: 7, Count: 2})
	l.mustDo("POST", create, instanceRunner, 201) // POST does not match
	for i := 0; i < 2; i++ {
		res, b, err := l.do("GET", "/api/v4/runners/all", nil)
		if err != nil || res.StatusCode != 429 || res.Header.Get("Retry-After") != "7" || string(b) != "Retry later\n" {
			t.Fatalf("rate_limit rule #%d: %v %v %q", i, err, res, b)
		}
	}
	l.mustDo("GET", "/api/v4/runners/all", nil, 200)

	// latency. Latency checks here assert only a lower bound, which a Go
	// timer guarantees however loaded the machine is; nothing in this
	// package asserts an upper bound on wall-clock time.
	l.srv.InjectFault(FaultRule{Path: "/api/v4/user", Kind: FaultLatency, Latency: 150 * time.Millisecond})
	start := time.Now()
	l.mustDo("GET", "/api/v4/user", nil, 200)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("latency rule: answered in %v", d)
	}

	// ClearFaults drops pending rules.
	l.srv.InjectFault(FaultRule{Kind: FaultError500, Count: 100})
	l.srv.ClearFaults()
	l.mustDo("GET", "/api/v4/user", nil, 200)

	s := l.srv.Stats()
	for k, want := range map[FaultKind]int64{FaultError500: 1, FaultError502: 1, FaultError503: 1, FaultConnReset: 1,
		FaultLoseResponse: 1, FaultRateLimit: 2, FaultLatency: 1} {
		if s.Faults[k] != want {
			t.Errorf("faults[%s] = %d, want %d", k, s.Faults[k], want)
		}
	}
	if s.ByRoute["POST /api/v4/user/runners"] != 6 || s.ByRoute["GET /api/v4/runners/all"] != 3 || s.ByRoute["GET /api/v4/user"] != 2 {
		t.Errorf("by_route %v", s.ByRoute)
	}
	l.srv.ResetStats()
	if s := l.srv.Stats(); s.Requests != 0 || len(s.ByRoute) != 0 {
		t.Errorf("after reset %+v", s)
	}
}

func TestProbabilisticFaults(t *testing.T) {
	l := startLive(t, Options{Faults: FaultConfig{ErrorRate: 1, Seed: 42}})
	seen := map[int]bool{}
	for i := 0; i < 30; i++ {
		res, _, err := l.do("POST", "/api/v4/user/runners", instanceRunner)
		if err != nil {
			t.Fatal(err)
		}
		seen[res.StatusCode] = true
	}
	if !seen[500] || !seen[502] || !seen[503] || len(seen) != 3 || l.srv.RunnerCount() != 0 {
		t.Fatalf("statuses %v, runners %d", seen, l.srv.RunnerCount())
	}
	l.srv.SetFaultConfig(FaultConfig{LoseResponseRate: 1})
	for i := 0; i < 3; i++ {
		if _, _, err := l.do("POST", "/api/v4/user/runners", instanceRunner); err == nil {
			t.Fatal("lose_response_rate=1 answered")
		}
	}
	if n := l.srv.RunnerCount(); n != 3 {
		t.Fatalf("lost responses applied %d times, want 3", n)
	}
	l.srv.SetFaultConfig(FaultConfig{Latency: 100 * time.Millisecond})
	start := time.Now()
	l.mustDo("GET", "/api/v4/user", nil, 200)
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("config latency not applied")
	}
}

func TestAdminAPI(t *testing.T) {
	l := startLive(t, Options{})
	admin := func(method, path string, body any, code int) map[string]any {
		t.Helper()
		var rd io.Reader
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, l.srv.URL+"/-/sim"+path, rd)
		res, err := l.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != code {
			t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, code)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	// Groups/projects come from the API; the admin API seeds runners.
	var g struct{ ID int64 }
	_ = json.Unmarshal(l.mustDo("POST", "/api/v4/groups", map[string]any{"name": "G", "path": "g"}, 201), &g)
	var p struct{ ID int64 }
	_ = json.Unmarshal(l.mustDo("POST", "/api/v4/projects", map[string]any{"name": "P", "namespace_id": g.ID}, 201), &p)

	m := admin("POST", "/runners", `{"runner_type":"group_type","group_id":`+strconv.FormatInt(g.ID, 10)+`,"count":3,"tags":["a"],
		"contacted_at":"2025-05-02T23:00:00Z","version":"18.0.1","description":"seeded"}`, 201)
	if ids := m["ids"].([]any); len(ids) != 3 {
		t.Fatalf("seed ids %v", m)
	}
	admin("POST", "/runners", `{"runner_type":"group_type","group_id":999}`, 400)
	var runners []map[string]any
	_ = json.Unmarshal(l.mustDo("GET", "/api/v4/runners/all?version_prefix=18.0&status=online", nil, 200), &runners)
	if len(runners) != 3 || runners[0]["description"] != "seeded" {
		t.Fatalf("seeded runners %v", runners)
	}
	admin("POST", "/runners/1/managers", map[string]any{"system_id": "s_x", "version": "18.2.0", "contacted_at": "2025-05-02T23:59:00Z"}, 201)
	var d map[string]any
	_ = json.Unmarshal(l.mustDo("GET", "/api/v4/runners/1", nil, 200), &d)
	if d["version"] != "18.2.0" || d["contacted_at"] != "2025-05-02T23:59:00.000Z" {
		t.Fatalf("after AddManager: %v %v", d["version"], d["contacted_at"])
	}
	admin("POST", "/runners/1/jobs", map[string]any{"project_id": p.ID, "status": "running"}, 201)
	admin("POST", "/runners/999/jobs", map[string]any{"project_id": p.ID}, 400)
	admin("PUT", "/runners/2", `{"contacted_at":null}`, 200)
	_ = json.Unmarshal(l.mustDo("GET", "/api/v4/runners/2", nil, 200), &d)
	if d["status"] != "never_contacted" {
		t.Fatalf("after contacted_at=null: %v", d["status"])
	}
	if tok := admin("GET", "/runners/1/token", nil, 200)["token"].(string); !strings.HasPrefix(tok, "glrt-t2_") {
		t.Fatalf("token %q", tok)
	}
	if tok := admin("GET", "/registration_token?scope=group&id="+strconv.FormatInt(g.ID, 10), nil, 200)["token"].(string); !regTokenRe.MatchString(tok) {
		t.Fatalf("registration token %q", tok)
	}
	admin("GET", "/registration_token?scope=group&id=999", nil, 404)

	// Clock and settings.
	if c := admin("POST", "/clock", map[string]any{"advance": "2h"}, 200); c["now"] != "2025-05-03T02:00:00.000Z" || c["offset"] != "2h0m0s" {
		t.Fatalf("clock %v", c)
	}
	admin("POST", "/clock", map[string]any{"advance": "soon"}, 400)
	if s := admin("PUT", "/settings", map[string]any{"registration_tokens_enabled": true, "token_expiration": "24h"}, 200); s["registration_tokens_enabled"] != true || s["token_expiration"] != "24h0m0s" {
		t.Fatalf("settings %v", s)
	}
	var created map[string]any
	_ = json.Unmarshal(l.mustDo("POST", "/api/v4/user/runners", instanceRunner, 201), &created)
	if created["token_expires_at"] != "2025-05-04T02:00:00.000Z" {
		t.Fatalf("token_expires_at %v", created["token_expires_at"])
	}

	// Faults over HTTP, latency as a string.
	admin("POST", "/faults", `{"method":"GET","path":"/api/v4/user","kind":"error_503","count":1}`, 201)
	admin("POST", "/faults", `{"kind":"explode"}`, 400)
	res, _, _ := l.do("GET", "/api/v4/user", nil)
	if res.StatusCode != 503 {
		t.Fatalf("injected over HTTP: %d", res.StatusCode)
	}
	admin("POST", "/faults", `{"path":"/api/v4/user","kind":"latency","latency":"120ms"}`, 201)
	start := time.Now()
	l.mustDo("GET", "/api/v4/user", nil, 200)
	if time.Since(start) < 120*time.Millisecond {
		t.Fatal("latency string not honoured")
	}
	admin("POST", "/faults", `{"kind":"error_500","count":5}`, 201)
	admin("DELETE", "/faults", nil, 204)
	l.mustDo("GET", "/api/v4/user", nil, 200)
	if c := admin("PUT", "/faults/config", `{"rate_limit":1,"rate_limit_window":"1h","latency":1000}`, 200); c["rate_limit"] != float64(1) || c["rate_limit_window"] != float64(time.Hour) {
		t.Fatalf("fault config %v", c)
	}
	l.mustDo("GET", "/api/v4/user", nil, 200)
	res, _, _ = l.do("GET", "/api/v4/user", nil)
	if res.StatusCode != 429 {
		t.Fatalf("rate limit via admin config: %d", res.StatusCode)
	}
	admin("PUT", "/faults/config", `{}`, 200)

	st := admin("GET", "/stats", nil, 200)
	if st["requests"].(float64) < 10 || st["by_route"].(map[string]any)["GET /api/v4/user"] == nil {
		t.Fatalf("stats %v", st)
	}
	admin("POST", "/stats/reset", nil, 204)
	if st := admin("GET", "/stats", nil, 200); st["requests"] != float64(0) {
		t.Fatalf("stats after reset %v", st)
	}
	admin("GET", "/nothing", nil, 404)
}
