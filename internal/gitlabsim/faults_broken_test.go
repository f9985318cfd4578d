package gitlabsim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func (l *live) runnerCount() int {
	l.t.Helper()
	l.srv.mu.RLock()
	defer l.srv.mu.RUnlock()
	return len(l.srv.st.runners)
}

func (l *live) seed(n int) []int64 {
	l.t.Helper()
	ids, err := l.srv.SeedRunners(RunnerSeed{RunnerType: "instance_type"}, n)
	if err != nil {
		l.t.Fatal(err)
	}
	return ids
}

func TestFaultEveryNthRequest(t *testing.T) {
	l := startLive(t, Options{})
	l.srv.InjectFault(FaultRule{Method: "GET", Path: "/api/v4/user", Kind: FaultError500, Every: 3})
	var got []int
	for i := 1; i <= 9; i++ {
		res, _, err := l.do("GET", "/api/v4/user", nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.StatusCode)
	}
	want := []int{200, 200, 500, 200, 200, 500, 200, 200, 500}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	// Requests the rule does not match do not move its counter.
	l.mustDo("GET", "/api/v4/runners/all", nil, 200)
	l.mustDo("GET", "/api/v4/user", nil, 200)
	if n := l.srv.Stats().Faults[FaultError500]; n != 3 {
		t.Fatalf("%d faults counted, want 3", n)
	}
}

func TestFaultEveryWithCountCapsHits(t *testing.T) {
	l := startLive(t, Options{})
	l.srv.InjectFault(FaultRule{Path: "/api/v4/user", Kind: FaultError503, Every: 1, Count: 2})
	l.mustDo("GET", "/api/v4/user", nil, 503)
	l.mustDo("GET", "/api/v4/user", nil, 503)
	l.mustDo("GET", "/api/v4/user", nil, 200)
}

func TestFaultEveryLoseResponseIsApplied(t *testing.T) {
	l := startLive(t, Options{})
	before := l.runnerCount()
	l.srv.InjectFault(FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: FaultLoseResponse, Every: 2})
	lost := 0
	for i := 0; i < 4; i++ {
		if _, _, err := l.do("POST", "/api/v4/user/runners", instanceRunner); err != nil {
			lost++
		}
	}
	if lost != 2 {
		t.Fatalf("%d responses lost, want 2 (requests 2 and 4)", lost)
	}
	if n := l.runnerCount() - before; n != 4 {
		t.Fatalf("%d runners created, want 4: a lost response is applied", n)
	}
}

func TestFaultCombinedRulesFirstWins(t *testing.T) {
	l := startLive(t, Options{})
	l.srv.InjectFaults(
		FaultRule{Path: "/api/v4/user", Kind: FaultError500, Every: 2},
		FaultRule{Path: "/api/v4/user", Kind: FaultLoseResponse, Every: 3},
	)
	var got []string
	for i := 1; i <= 6; i++ {
		res, _, err := l.do("GET", "/api/v4/user", nil)
		switch {
		case err != nil:
			got = append(got, "lost")
		default:
			got = append(got, strconv.Itoa(res.StatusCode))
		}
	}
	// Request 6 is the 500 rule's and the lose rule's: the first rule wins,
	// and the lose rule still counts it.
	if strings.Join(got, ",") != "200,500,lost,500,200,500" {
		t.Fatalf("got %v", got)
	}
	st := l.srv.Stats()
	if st.Faults[FaultError500] != 3 || st.Faults[FaultLoseResponse] != 1 {
		t.Fatalf("faults %v", st.Faults)
	}
}

func TestFaultBrokenCreateAnswersAreApplied(t *testing.T) {
	for _, tc := range []struct {
		kind  FaultKind
		check func(t *testing.T, res *http.Response, body []byte)
	}{
		{FaultTruncatedJSON, func(t *testing.T, res *http.Response, body []byte) {
			var v any
			if len(body) == 0 || json.Unmarshal(body, &v) == nil {
				t.Fatalf("body %q is not truncated JSON", body)
			}
			if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Fatalf("Content-Length %q for %d bytes", res.Header.Get("Content-Length"), len(body))
			}
		}},
		{FaultNullBody, func(t *testing.T, _ *http.Response, body []byte) {
			if string(body) != "null" {
				t.Fatalf("body %q", body)
			}
		}},
		{FaultEmptyBody, func(t *testing.T, res *http.Response, body []byte) {
			if len(body) != 0 || res.Header.Get("Content-Length") != "0" {
				t.Fatalf("body %q Content-Length %q", body, res.Header.Get("Content-Length"))
			}
		}},
		{FaultStringID, func(t *testing.T, _ *http.Response, body []byte) {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			id, ok := v["id"].(string)
			if !ok {
				t.Fatalf("id %#v is not a string", v["id"])
			}
			if _, err := strconv.ParseInt(id, 10, 64); err != nil || !strings.HasPrefix(v["token"].(string), "glrt-") {
				t.Fatalf("body %s", body)
			}
		}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			l := startLive(t, Options{})
			before := l.runnerCount()
			l.srv.InjectFault(FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: tc.kind})
			res, body, err := l.do("POST", "/api/v4/user/runners", instanceRunner)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != 201 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			tc.check(t, res, body)
			if n := l.runnerCount() - before; n != 1 {
				t.Fatalf("%d runners created, want 1 (applied)", n)
			}
			if l.srv.Stats().Faults[tc.kind] != 1 {
				t.Fatalf("fault not counted: %v", l.srv.Stats().Faults)
			}
		})
	}
}

func TestFaultBrokenAnswerNotApplied(t *testing.T) {
	l := startLive(t, Options{})
	before := l.runnerCount()
	no := false
	l.srv.InjectFault(FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: FaultEmptyBody, Applied: &no, Status: 201})
	res, body, err := l.do("POST", "/api/v4/user/runners", instanceRunner)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 201 || len(body) != 0 {
		t.Fatalf("%d %q", res.StatusCode, body)
	}
	if n := l.runnerCount() - before; n != 0 {
		t.Fatalf("%d runners created by an unapplied fault", n)
	}
}

func TestFaultWrongShapes(t *testing.T) {
	l := startLive(t, Options{})
	id := l.seed(2)[0]
	if _, err := l.srv.AddManager(id, ManagerSeed{SystemID: "s_0123456789ab"}); err != nil {
		t.Fatal(err)
	}
	rid := strconv.FormatInt(id, 10)

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/" + rid + "/managers", Kind: FaultNullItems})
	if b := l.mustDo("GET", "/api/v4/runners/"+rid+"/managers", nil, 200); string(b) != "[null]" {
		t.Fatalf("managers %s, want [null]", b)
	}
	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultWrongShape})
	var obj map[string]any
	if err := json.Unmarshal(l.mustDo("GET", "/api/v4/runners/all", nil, 200), &obj); err != nil {
		t.Fatalf("a list with the wrong shape should be an object: %v", err)
	}
	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/" + rid, Kind: FaultWrongShape})
	var list []map[string]any
	if err := json.Unmarshal(l.mustDo("GET", "/api/v4/runners/"+rid, nil, 200), &list); err != nil || len(list) != 1 {
		t.Fatalf("an object with the wrong shape should be a list of it: %v %v", list, err)
	}
	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultNullBody})
	if b := l.mustDo("GET", "/api/v4/runners/all", nil, 200); string(b) != "null" {
		t.Fatalf("body %s", b)
	}
}

func TestFaultHTML404(t *testing.T) {
	l := startLive(t, Options{})
	rid := strconv.FormatInt(l.seed(1)[0], 10)
	l.srv.InjectFault(FaultRule{Method: "DELETE", Path: "/api/v4/runners/" + rid, Kind: FaultHTML404})
	res, body, err := l.do("DELETE", "/api/v4/runners/"+rid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html>") {
		t.Fatalf("%d %s %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	// The proxy answered: the runner is still there.
	l.mustDo("GET", "/api/v4/runners/"+rid, nil, 200)

	yes := true
	l.srv.InjectFault(FaultRule{Method: "DELETE", Path: "/api/v4/runners/" + rid, Kind: FaultHTML404, Applied: &yes})
	l.mustDo("DELETE", "/api/v4/runners/"+rid, nil, 404)
	l.mustDo("GET", "/api/v4/runners/"+rid, nil, 404)
}

func TestFaultLongRetryAfter(t *testing.T) {
	l := startLive(t, Options{})
	l.srv.InjectFaults(
		FaultRule{Path: "/api/v4/user", Kind: FaultRateLimit, RetryAfter: 3600},
		FaultRule{Path: "/api/v4/runners/all", Kind: FaultError503, RetryAfter: 3600},
	)
	for _, p := range []string{"/api/v4/user", "/api/v4/runners/all"} {
		res, _, err := l.do("GET", p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if (res.StatusCode != 429 && res.StatusCode != 503) || res.Header.Get("Retry-After") != "3600" {
			t.Fatalf("%s: %d Retry-After %q", p, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
}

func TestFaultStallBodyEndsWhenClientLeaves(t *testing.T) {
	l := startLive(t, Options{})
	l.seed(3)
	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultStallBody})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", l.srv.URL+"/api/v4/runners/all", nil)
	req.Header.Set("PRIVATE-TOKEN", l.srv.AdminToken)
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	full, err := strconv.Atoi(res.Header.Get("Content-Length"))
	if err != nil || res.StatusCode != 200 || full < 2 {
		t.Fatalf("%d Content-Length %q", res.StatusCode, res.Header.Get("Content-Length"))
	}
	half := make([]byte, full/2)
	if _, err := io.ReadFull(res.Body, half); err != nil {
		t.Fatalf("first half: %v", err)
	}
	cancel() // the client gives up; the stall must end with it
	if _, err := io.ReadAll(res.Body); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after giving up: %v", err)
	}
	// The simulator still answers (the stalled handler holds no lock).
	l.mustDo("GET", "/api/v4/runners/all", nil, 200)
}

func TestFaultStallBodyBound(t *testing.T) {
	l := startLive(t, Options{})
	l.seed(3)
	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultStallBody, Stall: time.Millisecond})
	var list []map[string]any
	if err := json.Unmarshal(l.mustDo("GET", "/api/v4/runners/all", nil, 200), &list); err != nil || len(list) != 3 {
		t.Fatalf("after the bound the whole body arrives: %v %v", len(list), err)
	}
}

func TestFaultPaginationGarbage(t *testing.T) {
	l := startLive(t, Options{})
	l.seed(5)
	get := func(page int) (*http.Response, []map[string]any) {
		t.Helper()
		res, b, err := l.do("GET", "/api/v4/runners/all?per_page=2&page="+strconv.Itoa(page), nil)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("page %d: %v %v", page, res, err)
		}
		var list []map[string]any
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatal(err)
		}
		return res, list
	}

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination, Pagination: PaginationNextPastEnd, Every: 1})
	res, list := get(4)
	if len(list) != 0 || res.Header.Get("X-Next-Page") != "5" || !strings.Contains(res.Header.Get("Link"), `page=5&per_page=2>; rel="next"`) {
		t.Fatalf("past the end: %d items, X-Next-Page %q, Link %q", len(list), res.Header.Get("X-Next-Page"), res.Header.Get("Link"))
	}
	l.srv.ClearFaults()

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination, Pagination: PaginationTotalPagesInflated})
	res, _ = get(3)
	if res.Header.Get("X-Total") != "5" || res.Header.Get("X-Total-Pages") != "1000" || res.Header.Get("X-Next-Page") != "4" {
		t.Fatalf("inflated: %v", res.Header)
	}

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination, Pagination: PaginationMissing})
	res, list = get(1)
	for _, k := range paginationHeaders {
		if _, ok := res.Header[http.CanonicalHeaderKey(k)]; ok {
			t.Fatalf("missing: header %s still sent", k)
		}
	}
	if len(list) != 2 {
		t.Fatalf("missing: %d items, want the page itself", len(list))
	}

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination, Pagination: PaginationRepeatFirstPage, Every: 1, Count: 2})
	res, list = get(7)
	if len(list) != 2 || res.Header.Get("X-Page") != "7" || res.Header.Get("X-Next-Page") != "8" || res.Header.Get("X-Total") != "" {
		t.Fatalf("repeat first page: %d items, %v", len(list), res.Header)
	}
	_, again := get(8)
	if again[0]["id"] != list[0]["id"] {
		t.Fatalf("page 8 is not page 1 again")
	}

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination, Pagination: PaginationMalformed})
	res, _ = get(1)
	if res.Header.Get("X-Next-Page") != "next" || res.Header.Get("X-Total-Pages") != "-3" {
		t.Fatalf("malformed: %v", res.Header)
	}

	l.srv.InjectFault(FaultRule{Path: "/api/v4/runners/all", Kind: FaultPagination,
		Headers: map[string]string{"X-Total": "7"}, DropHeaders: []string{"Link", "X-Next-Page"}})
	res, _ = get(1)
	if _, ok := res.Header["Link"]; ok || res.Header.Get("X-Total") != "7" || res.Header.Get("X-Total-Pages") != "3" {
		t.Fatalf("headers: %v", res.Header)
	}
	if _, ok := res.Header["X-Next-Page"]; ok {
		t.Fatalf("X-Next-Page not dropped")
	}
}

func TestAdminFaultsBrokenAnswersAndCombinations(t *testing.T) {
	l := startLive(t, Options{})
	post := func(body string) (int, string) {
		t.Helper()
		res, err := l.c.Post(l.srv.URL+"/-/sim/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := post(`[{"path":"/api/v4/user","kind":"error_500","every":5},
		{"path":"/api/v4/user","kind":"lose_response","every":7},
		{"method":"POST","path":"/api/v4/user/runners","kind":"empty_body","applied":false,"status":201},
		{"path":"/api/v4/runners/all","kind":"stall_body","stall":"5ms"},
		{"path":"/api/v4/runners","kind":"pagination","pagination":"missing","drop_headers":["Link"]}]`)
	if code != 201 || !strings.Contains(body, `"every":7`) || !strings.Contains(body, `"applied":false`) {
		t.Fatalf("%d %s", code, body)
	}
	l.srv.faultMu.Lock()
	n := len(l.srv.rules)
	stall := l.srv.rules[3].Stall
	l.srv.faultMu.Unlock()
	if n != 5 || stall != 5*time.Millisecond {
		t.Fatalf("%d rules, stall %v", n, stall)
	}
	statuses := ""
	for i := 1; i <= 10; i++ {
		res, _, err := l.do("GET", "/api/v4/user", nil)
		if err != nil {
			statuses += "x"
		} else if res.StatusCode == 500 {
			statuses += "5"
		} else {
			statuses += "."
		}
	}
	if statuses != "....5.x..5" {
		t.Fatalf("every-5th 500 and every-7th lost: %s", statuses)
	}

	for _, bad := range []string{
		`{"kind":"truncated_json","applied":false}`,
		`{"kind":"pagination","pagination":"sideways"}`,
		`{"kind":"error_500","every":-1}`,
		`{"kind":"teapot"}`,
		`[{"kind":"error_500"},{"kind":"teapot"}]`,
	} {
		if code, body := post(bad); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
	l.srv.faultMu.Lock()
	n = len(l.srv.rules)
	l.srv.faultMu.Unlock()
	if n != 5 {
		t.Fatalf("%d rules left, want 5: a rejected list adds none", n)
	}
}

func TestProjectAndGroupExposeRunnersTokenToAdmins(t *testing.T) {
	e := newEnv(t)
	gid := e.group(rootToken, "tok-group", 0)
	pid := e.project(rootToken, "tok-project", gid)
	devID, devToken := e.user("dev")
	e.member("projects", pid, devID, 30)
	for _, tc := range []struct {
		path, scope string
		id          int64
	}{{"groups/" + strconv.FormatInt(gid, 10), "group", gid}, {"projects/" + strconv.FormatInt(pid, 10), "project", pid}} {
		m := e.do("GET", tc.path, rootToken, nil).obj(t)
		if m["runners_token"] != e.sim.RegistrationToken(tc.scope, tc.id) {
			t.Fatalf("%s: runners_token %v", tc.path, m["runners_token"])
		}
	}
	r := e.do("GET", "projects/"+strconv.FormatInt(pid, 10), devToken, nil)
	if _, ok := r.obj(t)["runners_token"]; ok || r.code != 200 {
		t.Fatalf("a Developer sees %s", r)
	}
}
