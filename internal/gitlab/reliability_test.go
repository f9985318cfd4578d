package gitlab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// Tests for answers that must not be trusted: success statuses with bodies
// that are not what the endpoint returns, and 404s that do not come from
// GitLab.

// cannedServer answers every request with status, Content-Type ct (none
// when empty) and body, counting the requests.
func cannedServer(t *testing.T, status int, ct, body string) (*Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing either
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return newTestClient(t, testConfig(srv.URL)), &n
}

// leakedToken finds a runner token that was not masked.
var leakedToken = regexp.MustCompile(`glrt-[A-Za-z0-9]`)

// A 2xx answer to a create that cannot be decoded means GitLab made a runner
// whose id and token are lost: for the caller it is a lost response, never
// a runner with id 0 (lib/api/users.rb and lib/api/ci/runners.rb always
// present the new runner with id and token).
func TestReliabilityUndecodableCreateIsOutcomeUnknown(t *testing.T) {
	bodies := map[string]string{
		"truncated":      `{"id": 1152, "token": "glrt-t1_abcdefghijk`,
		"id as a string": `{"id": "1152", "token": "glrt-t1_abcdefghijklmnopqrst", "token_expires_at": null}`,
		"null":           `null`,
		"empty":          ``,
		"white space":    " \n",
		"id 0":           `{"id": 0, "token": "glrt-t1_abcdefghijklmnopqrst"}`,
		"id missing":     `{"token": "glrt-t1_abcdefghijklmnopqrst"}`,
		"token missing":  `{"id": 1152}`,
		"a list":         `[{"id": 1152, "token": "glrt-t1_abcdefghijklmnopqrst"}]`,
		"html":           `<html><body>Welcome</body></html>`,
	}
	creates := map[string]func(*Client) (*CreatedRunner, error){
		"POST /user/runners": func(c *Client) (*CreatedRunner, error) {
			return c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
		},
		"POST /runners": func(c *Client) (*CreatedRunner, error) {
			return c.RegisterRunner(t.Context(), RegisterRunnerOptions{Token: "GR1348941abcdef"})
		},
	}
	for name, body := range bodies {
		for ep, create := range creates {
			for _, status := range []int{http.StatusCreated, http.StatusOK} {
				t.Run(fmt.Sprintf("%s/%s/%d", ep, name, status), func(t *testing.T) {
					c, n := cannedServer(t, status, "application/json", body)
					got, err := create(c)
					if got != nil {
						t.Fatalf("a runner came back from an undecodable answer: %+v", got)
					}
					if !errors.Is(err, ErrOutcomeUnknown) || !IsOutcomeUnknown(err) || !IsUnexpectedResponse(err) {
						t.Fatalf("want ErrOutcomeUnknown and ErrUnexpectedResponse, got %v", err)
					}
					if !strings.Contains(err.Error(), ep) {
						t.Fatalf("error does not name %s: %v", ep, err)
					}
					if leakedToken.MatchString(err.Error()) {
						t.Fatalf("token in the error: %v", err)
					}
					var re *ResponseError
					if !errors.As(err, &re) || re.StatusCode != status {
						t.Fatalf("ResponseError not reachable: %#v", re)
					}
					if n.Load() != 1 {
						t.Fatalf("POST sent %d times", n.Load())
					}
				})
			}
		}
	}
}

// A 200 that is not the endpoint's JSON is an error naming the endpoint
// (method and path template), never data.
func TestReliabilityBadShapesAreErrors(t *testing.T) {
	type call struct {
		route string
		do    func(*Client) error
	}
	getRunner := call{"GET /runners/:id", func(c *Client) error { _, err := c.GetRunner(t.Context(), 42); return err }}
	updateRunner := call{"PUT /runners/:id", func(c *Client) error {
		d := "x"
		_, err := c.UpdateRunner(t.Context(), 42, UpdateRunnerOptions{RunnerSettings: RunnerSettings{Description: &d}})
		return err
	}}
	managers := call{"GET /runners/:id/managers", func(c *Client) error { _, err := c.ListRunnerManagers(t.Context(), 42); return err }}
	allRunners := call{"GET /runners/all", func(c *Client) error { _, err := c.ListAllRunners(t.Context(), ListRunnersOptions{}); return err }}
	projectRunners := call{"GET /projects/:id/runners", func(c *Client) error {
		_, err := c.ListProjectRunners(t.Context(), "g/p", ListRunnersOptions{})
		return err
	}}
	jobs := call{"GET /runners/:id/jobs", func(c *Client) error {
		_, err := c.ListRunnerJobs(t.Context(), 42, ListRunnerJobsOptions{})
		return err
	}}
	user := call{"GET /user", func(c *Client) error { _, err := c.CurrentUser(t.Context()); return err }}
	project := call{"GET /projects/:id", func(c *Client) error { _, err := c.GetProject(t.Context(), "g/p"); return err }}
	cases := []struct {
		name string
		call call
		body string
	}{
		{"null runner", getRunner, `null`},
		{"empty runner", getRunner, ``},
		{"runner as a list", getRunner, `[{"id": 42}]`},
		{"runner without id", getRunner, `{"description": "d"}`},
		{"runner id 0", getRunner, `{"id": 0, "description": ""}`},
		{"runner id as a string", getRunner, `{"id": "42"}`},
		{"truncated runner", getRunner, `{"id": 42, "descr`},
		{"html 200", getRunner, `<!DOCTYPE html><html><body>Sign in</body></html>`},
		{"null update answer", updateRunner, `null`},
		{"null managers", managers, `null`},
		{"managers as an object", managers, `{"id": 1, "system_id": "s_1"}`},
		{"null manager", managers, `[null]`},
		{"manager without system_id", managers, `[{"id": 1, "system_id": "s_1"}, {"id": 2}]`},
		{"null page", allRunners, `null`},
		{"page as an object", allRunners, `{"id": 1}`},
		{"null element", allRunners, `[{"id": 1}, null]`},
		{"listed runner without id", projectRunners, `[{"description": "x"}]`},
		{"job without id", jobs, `[{"status": "running"}]`},
		{"null user", user, `null`},
		{"project without id", project, `{"path_with_namespace": "g/p"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := cannedServer(t, http.StatusOK, "application/json", tc.body)
			err := tc.call.do(c)
			if !IsUnexpectedResponse(err) {
				t.Fatalf("want ErrUnexpectedResponse, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), tc.call.route+" ") && !strings.HasPrefix(err.Error(), tc.call.route+":") {
				t.Fatalf("error does not start with the endpoint %q: %v", tc.call.route, err)
			}
			if IsNotFound(err) || IsOutcomeUnknown(err) || StatusCode(err) != 0 {
				t.Fatalf("a bad 200 is neither a 404, nor an unknown outcome, nor an API error: %v", err)
			}
		})
	}
}

// GitLab renders an empty list as []; null is believed to be empty only when
// GitLab's own X-Total says so, and never drops a page otherwise.
func TestReliabilityNullPage(t *testing.T) {
	for _, total := range []string{"0", "150", ""} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if total != "" {
				w.Header().Set("X-Total", total)
				w.Header().Set("X-Total-Pages", map[string]string{"0": "1", "150": "2"}[total])
			}
			fmt.Fprint(w, `null`)
		}))
		c := newTestClient(t, testConfig(srv.URL))
		rs, err := c.ListAllRunners(t.Context(), ListRunnersOptions{})
		srv.Close()
		switch {
		case total == "0" && (err != nil || rs == nil || len(rs) != 0):
			t.Fatalf("X-Total 0: want an empty list, got %v %v", rs, err)
		case total != "0" && !IsUnexpectedResponse(err):
			t.Fatalf("X-Total %q: want ErrUnexpectedResponse, got %v %v", total, rs, err)
		}
	}
}

// GitLab's own 404 is JSON with a message (not_found! in lib/api/helpers.rb:
// "404 Runner Not Found"; the catch-all route in lib/api/api.rb:
// {"error":"404 Not Found"}). Anything else is not "gone".
func TestReliability404FromGitLabOnly(t *testing.T) {
	cases := []struct {
		name, ct, body string
		gitlab         bool
	}{
		{"gitlab message", "application/json", `{"message":"404 Runner Not Found"}`, true},
		{"gitlab catch-all route", "application/json; charset=utf-8", `{"error":"404 Not Found"}`, true},
		{"json without content type", "", `{"message":"404 Runner Not Found"}`, true},
		{"nginx html", "text/html", "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", false},
		{"maintenance page", "text/html; charset=utf-8", `<!DOCTYPE html><html><body><h1>GitLab is under maintenance</h1></body></html>`, false},
		{"json body sent as html", "text/html", `{"message":"404 Runner Not Found"}`, false},
		{"plain text", "text/plain; charset=utf-8", "404 page not found\n", false},
		{"empty", "application/json", ``, false},
		{"json without message", "application/json", `{"status": 404}`, false},
		{"json list", "application/json", `["404"]`, false},
		{"bad content type", "application/json; =", `{"message":"404 Runner Not Found"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := cannedServer(t, http.StatusNotFound, tc.ct, tc.body)
			_, err := c.GetRunner(t.Context(), 7)
			if IsNotFound(err) != tc.gitlab || errors.Is(err, ErrNotFound) != tc.gitlab {
				t.Fatalf("IsNotFound = %v, want %v: %v", IsNotFound(err), tc.gitlab, err)
			}
			if tc.gitlab {
				return
			}
			var re *ResponseError
			if !errors.As(err, &re) || re.StatusCode != 404 || !IsUnexpectedResponse(err) {
				t.Fatalf("want a *ResponseError with status 404, got %v", err)
			}
			msg := err.Error()
			for _, want := range []string{"GET /runners/:id", "404", "Content-Type"} {
				if !strings.Contains(msg, want) {
					t.Fatalf("error lacks %q: %s", want, msg)
				}
			}
			if strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("body not sanitised: %q", msg)
			}
		})
	}
}

// A DELETE retried after a lost response counts GitLab's "nothing there" as
// done, but not a proxy's page with the same status: the runner may still
// exist. Same for the 403 of DELETE /runners by token.
func TestReliabilityAlreadyDoneOnlyFromGitLab(t *testing.T) {
	cases := []struct {
		name   string
		status int
		call   func(*Client) error
	}{
		{"DELETE /runners/:id", http.StatusNotFound, func(c *Client) error { return c.DeleteRunner(t.Context(), 4) }},
		{"DELETE /projects/:id/runners/:runner_id", http.StatusNotFound, func(c *Client) error {
			return c.UnassignRunnerFromProject(t.Context(), "g/p", 4)
		}},
		{"DELETE /runners", http.StatusForbidden, func(c *Client) error {
			return c.DeleteRunnerByToken(t.Context(), "glrt-t1_abcdefghijklmnopqrst")
		}},
	}
	for _, tc := range cases {
		for _, fromGitLab := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/gitlab=%v", tc.name, fromGitLab), func(t *testing.T) {
				var n atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if n.Add(1) == 1 {
						hijackClose(w, r)
						return
					}
					if fromGitLab {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(tc.status)
						fmt.Fprintf(w, `{"message":"%d %s"}`, tc.status, http.StatusText(tc.status))
						return
					}
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(tc.status)
					fmt.Fprint(w, "<html><body>Not here</body></html>")
				}))
				defer srv.Close()
				err := tc.call(newTestClient(t, testConfig(srv.URL)))
				if n.Load() != 2 {
					t.Fatalf("attempts = %d, want 2", n.Load())
				}
				if fromGitLab && err != nil {
					t.Fatalf("GitLab's answer after a lost attempt means done: %v", err)
				}
				if !fromGitLab && (!IsUnexpectedResponse(err) || IsNotFound(err) || IsForbidden(err)) {
					t.Fatalf("want ErrUnexpectedResponse, got %v", err)
				}
			})
		}
	}
}

func TestRouteTemplate(t *testing.T) {
	for in, want := range map[string]string{
		"/runners/42":                                 "/runners/:id",
		"/runners/all":                                "/runners/all",
		"/runners/42/managers":                        "/runners/:id/managers",
		"/runners/verify":                             "/runners/verify",
		"/projects/g%2Fp/runners":                     "/projects/:id/runners",
		"/projects/g%2Fp/runners/7":                   "/projects/:id/runners/:runner_id",
		"/groups/12/runners/reset_registration_token": "/groups/:id/runners/reset_registration_token",
		"/users/5/personal_access_tokens":             "/users/:id/personal_access_tokens",
		"/user/runners":                               "/user/runners",
		"/runners/42/reset_authentication_token":      "/runners/:id/reset_authentication_token",
		"/projects/42":                                "/projects/:id",
	} {
		if got := routeTemplate(in); got != want {
			t.Errorf("routeTemplate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitizeSnippet(t *testing.T) {
	got := sanitizeSnippet([]byte("<html>\r\n\t<body>\x00\x1b[31mred\xff"+strings.Repeat("x", 500)), 40)
	if strings.ContainsAny(got, "\r\n\t\x00\x1b") || !strings.HasPrefix(got, "<html> <body> [31mred?x") || !strings.HasSuffix(got, "…") {
		t.Fatalf("got %q", got)
	}
	for _, body := range []string{
		`{"id": 1, "token": "glrt-t1_secret`,
		`{"id": 1, "token": "plainsecret`,
		`{"id": 1, "token": "plainsecret"}`,
	} {
		if s := sanitizeSnippet([]byte(body), 200); strings.Contains(s, "secret") {
			t.Errorf("secret kept: %q -> %q", body, s)
		}
	}
}

// pager serves n runners in pages of the asked per_page (at most 100) and
// lets headers set the pagination headers of each page; it records the pages
// asked for.
type pager struct {
	n       int
	headers func(page, perPage, n int, h http.Header)
	mu      sync.Mutex
	asked   []int
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	perPage = min(max(perPage, 1), 100)
	p.mu.Lock()
	p.asked = append(p.asked, page)
	p.mu.Unlock()
	items := []map[string]any{}
	for i := (page - 1) * perPage; i < min(page*perPage, p.n); i++ {
		items = append(items, map[string]any{"id": i + 1})
	}
	if p.headers != nil {
		p.headers(page, perPage, p.n, w.Header())
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(items)
}

func (p *pager) pages() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.asked)
	slices.Sort(out)
	return out
}

func listWith(t *testing.T, p *pager, edit func(*Config)) ([]Runner, error) {
	t.Helper()
	srv := httptest.NewServer(p)
	defer srv.Close()
	cfg := testConfig(srv.URL)
	if edit != nil {
		edit(&cfg)
	}
	return newTestClient(t, cfg).ListAllRunners(t.Context(), ListRunnersOptions{})
}

func TestReliabilityPaginationStopsOnEmptyPage(t *testing.T) {
	// X-Next-Page always names another page; the first empty page ends it.
	p := &pager{n: 100, headers: func(page, _, _ int, h http.Header) { h.Set("X-Next-Page", strconv.Itoa(page+1)) }}
	rs, err := listWith(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, rs, 100)
	if !slices.Equal(p.pages(), []int{1, 2}) {
		t.Fatalf("pages %v, want [1 2]", p.pages())
	}
	// Also when the totals promise more pages than there are.
	p = &pager{n: 150, headers: func(_, _, _ int, h http.Header) {
		h.Set("X-Total-Pages", "5")
		h.Set("X-Total", "500")
	}}
	rs, err = listWith(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, rs, 150)
	// X-Total-Pages alone (X-Total stripped) plans nothing: pages are read
	// one after the other while they are full.
	p = &pager{n: 150, headers: func(_, _, _ int, h http.Header) { h.Set("X-Total-Pages", "100000") }}
	rs, err = listWith(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, rs, 150)
	if !slices.Equal(p.pages(), []int{1, 2}) {
		t.Fatalf("pages %v, want [1 2]", p.pages())
	}
}

func TestReliabilityPaginationTotalPagesBoundedByTotal(t *testing.T) {
	p := &pager{n: 150, headers: func(_, _, _ int, h http.Header) {
		h.Set("X-Total", "150")
		h.Set("X-Total-Pages", "100000")
	}}
	rs, err := listWith(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, rs, 150)
	if !slices.Equal(p.pages(), []int{1, 2}) {
		t.Fatalf("pages %v: X-Total 150 at 100 a page allows 2", p.pages())
	}
	// An instance serving fewer per page than asked says so in X-Per-Page.
	p = &pager{n: 150, headers: func(_, _, _ int, h http.Header) {
		h.Set("X-Per-Page", "100")
		h.Set("X-Total", "150")
		h.Set("X-Total-Pages", "2")
	}}
	if rs, err := listWith(t, p, nil); err != nil || len(rs) != 150 {
		t.Fatalf("%d runners, %v", len(rs), err)
	}
}

func TestReliabilityPaginationPageCap(t *testing.T) {
	// With totals: refused before any page beyond the first is read.
	p := &pager{n: 1000, headers: func(_, perPage, n int, h http.Header) {
		h.Set("X-Total", strconv.Itoa(n))
		h.Set("X-Total-Pages", strconv.Itoa((n+perPage-1)/perPage))
	}}
	_, err := listWith(t, p, func(c *Config) { c.MaxPages = 5 })
	if !errors.Is(err, ErrPagination) || !strings.Contains(err.Error(), "more than 5 pages") || !strings.Contains(err.Error(), "GET /runners/all") {
		t.Fatalf("want ErrPagination naming the cap, got %v", err)
	}
	if !slices.Equal(p.pages(), []int{1}) {
		t.Fatalf("pages %v", p.pages())
	}
	// Without totals: X-Next-Page forever, full pages forever.
	p = &pager{n: 1 << 30, headers: func(page, _, _ int, h http.Header) { h.Set("X-Next-Page", strconv.Itoa(page+1)) }}
	_, err = listWith(t, p, func(c *Config) { c.MaxPages = 5 })
	if !errors.Is(err, ErrPagination) {
		t.Fatalf("want ErrPagination, got %v", err)
	}
	if !slices.Equal(p.pages(), []int{1, 2, 3, 4, 5}) {
		t.Fatalf("pages %v, want 1..5", p.pages())
	}
	// Without any header: full pages forever.
	p = &pager{n: 1 << 30}
	if _, err = listWith(t, p, func(c *Config) { c.MaxPages = 3 }); !errors.Is(err, ErrPagination) || len(p.pages()) != 3 {
		t.Fatalf("want ErrPagination after 3 pages, got %v after %v", err, p.pages())
	}
	if c := newTestClient(t, Config{BaseURL: "https://gitlab.example.com"}); c.maxPages != DefaultMaxPages || DefaultMaxPages != 10_000 {
		t.Fatalf("default max pages %d", c.maxPages)
	}
}

func TestReliabilityPaginationWithoutUsableHeaders(t *testing.T) {
	mangled := map[string]func(page, perPage, n int, h http.Header){
		"none": nil,
		"malformed": func(_, _, _ int, h http.Header) {
			h.Set("X-Next-Page", "next")
			h.Set("X-Total-Pages", "many")
			h.Set("X-Total", "-1")
		},
		"link without rel": func(_, _, _ int, h http.Header) {
			h.Set("Link", "<https://gitlab.example.com/api/v4/runners/all?page=2>")
		},
	}
	for name, hdr := range mangled {
		for _, n := range []int{0, 50, 100, 200, 250} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				p := &pager{n: n, headers: hdr}
				rs, err := listWith(t, p, nil)
				if err != nil {
					t.Fatal(err)
				}
				checkOrder(t, rs, n)
				// Read on while pages are full: n/100 full pages and the
				// short or empty one after them.
				want := n/100 + 1
				if n == 0 {
					want = 1
				}
				if got := p.pages(); len(got) != want || got[len(got)-1] != want {
					t.Fatalf("pages %v, want 1..%d", got, want)
				}
			})
		}
	}
}

func TestReliabilityPaginationLoops(t *testing.T) {
	for name, next := range map[string]func(page int) int{
		"repeats":   func(page int) int { return min(page+1, 2) }, // page 2 names page 2
		"backwards": func(page int) int { return map[int]int{1: 2, 2: 3, 3: 1}[page] },
	} {
		t.Run(name, func(t *testing.T) {
			p := &pager{n: 1 << 20, headers: func(page, _, _ int, h http.Header) { h.Set("X-Next-Page", strconv.Itoa(next(page))) }}
			_, err := listWith(t, p, nil)
			if !errors.Is(err, ErrPagination) || !strings.Contains(err.Error(), "loop") {
				t.Fatalf("want ErrPagination, got %v", err)
			}
			if len(p.pages()) > 3 {
				t.Fatalf("pages %v", p.pages())
			}
		})
	}
}

func TestReliabilityLinkHeaderEnd(t *testing.T) {
	// GitLab's Link on the last page has first and last but no next.
	h := http.Header{}
	h.Set("Link", `<https://x/api/v4/runners?page=1>; rel="first", <https://x/api/v4/runners?page=3>; rel="last"`)
	if _, st := nextPage(h); st != pageEnd {
		t.Fatalf("state %d, want pageEnd", st)
	}
	h = http.Header{}
	h.Set("X-Next-Page", "0")
	if _, st := nextPage(h); st != pageUnknown {
		t.Fatalf("X-Next-Page 0: state %d, want pageUnknown", st)
	}
}

// A Retry-After (or RateLimit-Reset) beyond MaxRetryWait fails at once with
// GitLab's answer instead of sleeping through it.
func TestReliabilityRetryWaitTooLong(t *testing.T) {
	cases := []struct {
		name, method string
		status       int
		header       func(http.Header)
		maxWait      time.Duration
	}{
		{"Retry-After an hour", http.MethodGet, 429, func(h http.Header) { h.Set("Retry-After", "3600") }, 0},
		{"RateLimit-Reset an hour away", http.MethodGet, 429, func(h http.Header) {
			h.Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		}, 0},
		{"503 with Retry-After", http.MethodGet, 503, func(h http.Header) { h.Set("Retry-After", "600") }, 0},
		{"POST rate-limited", http.MethodPost, 429, func(h http.Header) { h.Set("Retry-After", "3600") }, 0},
		{"configured maximum", http.MethodGet, 429, func(h http.Header) { h.Set("Retry-After", "2") }, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tc.header(w.Header())
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(tc.status)
				fmt.Fprintln(w, "Retry later")
			}))
			defer srv.Close()
			cfg := testConfig(srv.URL)
			cfg.MaxRetryWait = tc.maxWait
			c := newTestClient(t, cfg)
			var err error
			if tc.method == http.MethodPost {
				_, err = c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
			} else {
				_, err = c.GetRunner(t.Context(), 1)
			}
			if !errors.Is(err, ErrRetryWaitTooLong) || StatusCode(err) != tc.status || IsOutcomeUnknown(err) {
				t.Fatalf("want ErrRetryWaitTooLong with status %d, got %v", tc.status, err)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Message != "Retry later" || ae.RetryAfter <= time.Second {
				t.Fatalf("GitLab's answer not kept: %#v", ae)
			}
			if !strings.Contains(err.Error(), "Retry later") || !strings.Contains(err.Error(), "max_retry_wait") {
				t.Fatalf("error does not say what GitLab said and why it was not retried: %v", err)
			}
			if n.Load() != 1 {
				t.Fatalf("%d attempts, want 1", n.Load())
			}
		})
	}
	if c := newTestClient(t, Config{BaseURL: "https://gitlab.example.com"}); c.maxRetryWait != 2*time.Minute || c.idleTimeout != time.Minute {
		t.Fatalf("defaults: max retry wait %s, idle timeout %s", c.maxRetryWait, c.idleTimeout)
	}
}

// stallingServer sends the status line and the start of a body, then stalls
// until the client goes away; started is closed once the start is flushed.
func stallingServer(t *testing.T, status int) (url string, started chan struct{}, n *atomic.Int32) {
	t.Helper()
	started, n = make(chan struct{}), &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		first := n.Add(1) == 1
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, `{"id": 1, "token": "glrt-t1_abc`)
		w.(http.Flusher).Flush()
		if first {
			close(started)
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, started, n
}

func TestReliabilityStalledBodyIsCut(t *testing.T) {
	url, _, n := stallingServer(t, http.StatusOK)
	cfg := testConfig(url)
	cfg.ReadIdleTimeout = 50 * time.Millisecond
	c := newTestClient(t, cfg)
	if _, err := c.GetRunner(t.Context(), 1); !errors.Is(err, ErrIdleTimeout) || !strings.Contains(err.Error(), "GET /runners/1") {
		t.Fatalf("want ErrIdleTimeout naming the request, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d attempts", n.Load())
	}

	// A create whose 201 stalls was applied; its runner is lost with the body.
	url, _, _ = stallingServer(t, http.StatusCreated)
	cfg = testConfig(url)
	cfg.ReadIdleTimeout = 50 * time.Millisecond
	_, err := newTestClient(t, cfg).CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrIdleTimeout) || !IsOutcomeUnknown(err) {
		t.Fatalf("want ErrIdleTimeout and ErrOutcomeUnknown, got %v", err)
	}
}

// fakeIdleClock drives the ReadIdleTimeout deadline without wall-clock
// time: the deadline passes only when the test advances the clock, and
// every Reset (a read that returned data) is signalled on resets.
type fakeIdleClock struct {
	mu     sync.Mutex
	now    time.Duration
	timers []*fakeIdleTimer
	resets chan struct{}
}

type fakeIdleTimer struct {
	c        *fakeIdleClock
	deadline time.Duration
	f        func()
	done     bool // stopped or fired
}

func newFakeIdleClock() *fakeIdleClock { return &fakeIdleClock{resets: make(chan struct{}, 1024)} }

func (c *fakeIdleClock) afterFunc(d time.Duration, f func()) idleTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeIdleTimer{c: c, deadline: c.now + d, f: f}
	c.timers = append(c.timers, t)
	return t
}

// advance moves the clock on and fires, outside the lock, every timer whose
// deadline it reaches.
func (c *fakeIdleClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now += d
	var due []func()
	for _, t := range c.timers {
		if !t.done && t.deadline <= c.now {
			t.done = true
			due = append(due, t.f)
		}
	}
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

func (t *fakeIdleTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	active := !t.done
	t.deadline, t.done = t.c.now+d, false
	t.c.mu.Unlock()
	select {
	case t.c.resets <- struct{}{}:
	default:
	}
	return active
}

func (t *fakeIdleTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	active := !t.done
	t.done = true
	return active
}

// chunkedServer writes a JSON list of runners one object per flush. After
// each flush it waits until the client has read data (the idle timer was
// reset) and then advances clock by gap: the body takes chunks*gap of the
// clock in all.
func chunkedServer(t *testing.T, clock *fakeIdleClock, chunks int, gap time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "[")
		for i := range chunks {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id": %d}`, i+1)
			w.(http.Flusher).Flush()
			select {
			case <-clock.resets:
			case <-r.Context().Done():
				return
			}
			clock.advance(gap)
		}
		fmt.Fprint(w, "]")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The idle deadline is per read: a body that keeps flowing for longer than
// the timeout is read to the end, and one gap as long as the timeout cuts it.
func TestReliabilitySlowSteadyBodyIsRead(t *testing.T) {
	const chunks = 8
	clock := newFakeIdleClock()
	cfg := testConfig(chunkedServer(t, clock, chunks, 250*time.Millisecond))
	cfg.ReadIdleTimeout = 1500 * time.Millisecond // less than chunks*250ms
	cfg.idleAfterFunc = clock.afterFunc
	rs, err := newTestClient(t, cfg).ListRunners(t.Context(), ListRunnersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, rs, chunks)

	// The same body with one gap of the whole timeout is cut there.
	clock = newFakeIdleClock()
	cfg = testConfig(chunkedServer(t, clock, chunks, 1500*time.Millisecond))
	cfg.ReadIdleTimeout = 1500 * time.Millisecond
	cfg.Retries = 0
	cfg.idleAfterFunc = clock.afterFunc
	if _, err := newTestClient(t, cfg).ListRunners(t.Context(), ListRunnersOptions{}); !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("want ErrIdleTimeout after a gap of the whole timeout, got %v", err)
	}
}

// Cancelling the context (Terraform's Ctrl-C) ends a call waiting between
// retries or stalled in a body at once, whatever the waits configured.
func TestReliabilityCancellationIsPrompt(t *testing.T) {
	t.Run("backoff", func(t *testing.T) {
		served := make(chan struct{})
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			if n.Load() == 1 {
				close(served)
			}
		}))
		defer srv.Close()
		cfg := testConfig(srv.URL)
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Hour, time.Hour
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() { <-served; cancel() }()
		if _, err := c.GetRunner(ctx, 1); !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
		if n.Load() != 1 {
			t.Fatalf("%d attempts", n.Load())
		}
	})
	t.Run("rate-limit wait", func(t *testing.T) {
		served := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "100")
			w.WriteHeader(http.StatusTooManyRequests)
			close(served)
		}))
		defer srv.Close()
		cfg := testConfig(srv.URL)
		cfg.MaxRetryAfter, cfg.MaxRetryWait = time.Hour, time.Hour
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() { <-served; cancel() }()
		if _, err := newTestClient(t, cfg).GetRunner(ctx, 1); !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	})
	t.Run("stalled body", func(t *testing.T) {
		url, started, _ := stallingServer(t, http.StatusOK)
		cfg := testConfig(url)
		cfg.ReadIdleTimeout = -1 // only the cancellation can end it
		cfg.RequestTimeout = -1
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() { <-started; cancel() }()
		if _, err := newTestClient(t, cfg).GetRunner(ctx, 1); !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	})
}

// Broken answers are logged, with their tokens masked like everything else.
func TestReliabilityBrokenAnswersKeepTokensOutOfLogs(t *testing.T) {
	const tok = "glrt-t1_abcdefghijklmnopqrst"
	for _, body := range []string{`{"id": "1152", "token": "` + tok + `"}`, `{"id": 1152, "token": "` + tok} {
		c, _ := cannedServer(t, http.StatusCreated, "application/json", body)
		var logs bytes.Buffer
		_, err := c.CreateUserRunner(tflogtest.RootLogger(t.Context(), &logs), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
		if !IsOutcomeUnknown(err) {
			t.Fatalf("want ErrOutcomeUnknown, got %v", err)
		}
		if !strings.Contains(logs.String(), "cannot be used") {
			t.Fatalf("broken answer not logged: %s", logs.String())
		}
		if strings.Contains(logs.String(), tok) || strings.Contains(err.Error(), tok) || strings.Contains(logs.String(), "abcdefghijk") {
			t.Fatalf("token leaked:\n%s\n%v", logs.String(), err)
		}
	}
}
