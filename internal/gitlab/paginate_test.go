package gitlab

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeList serves n items the way GitLab's offset pagination does, including
// the omission of X-Total/X-Total-Pages above 10,000 items.
type fakeList struct {
	n        int
	linkOnly bool // strip X-Next-Page, keep Link (some proxies)
	failPage int
	// flight counts requests in flight; when set up with newFlight(k),
	// requests for page 2 and later meet there k at a time.
	flight     *flight
	requests   atomic.Int32
	mu         sync.Mutex
	pagesAsked []int
	perPages   []string
}

func (f *fakeList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page == 0 {
		page = 1
	}
	f.mu.Lock()
	if f.flight == nil {
		f.flight = newFlight(0)
	}
	fl := f.flight
	f.mu.Unlock()
	defer fl.enter(r.Context(), page > 1)()
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage == 0 {
		perPage = 20
	}
	perPage = min(perPage, 100)
	f.mu.Lock()
	f.pagesAsked = append(f.pagesAsked, page)
	f.perPages = append(f.perPages, r.URL.Query().Get("per_page"))
	f.mu.Unlock()
	if page == f.failPage {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"403 Forbidden"}`)
		return
	}
	start := (page - 1) * perPage
	end := min(start+perPage, f.n)
	items := []map[string]any{}
	for i := start; i < end; i++ {
		items = append(items, map[string]any{"id": i + 1, "description": "r" + strconv.Itoa(i+1), "status": "online"})
	}
	totalPages := (f.n + perPage - 1) / perPage
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	next := ""
	if end < f.n {
		next = strconv.Itoa(page + 1)
	}
	if !f.linkOnly {
		h.Set("X-Next-Page", next)
		h.Set("X-Prev-Page", "")
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	link := func(p int, rel string) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	links := link(1, "first")
	if next != "" {
		links += ", " + link(page+1, "next")
	}
	if f.n <= 10000 {
		h.Set("X-Total", strconv.Itoa(f.n))
		h.Set("X-Total-Pages", strconv.Itoa(totalPages))
		links += ", " + link(max(totalPages, 1), "last")
	}
	h.Set("Link", links)
	h.Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(items)
}

// fakeClient serves f for the test's lifetime and returns a client of it;
// edit adjusts the config first.
func fakeClient(t *testing.T, f *fakeList, edit func(*Config)) *Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	if edit != nil {
		edit(&cfg)
	}
	return newTestClient(t, cfg)
}

func checkOrder(t *testing.T, rs []Runner, n int) {
	t.Helper()
	if len(rs) != n {
		t.Fatalf("got %d runners, want %d", len(rs), n)
	}
	for i, r := range rs {
		if r.ID != int64(i+1) {
			t.Fatalf("runner %d has id %d: order not kept", i, r.ID)
		}
	}
}

func TestPaginationConcurrentWithTotals(t *testing.T) {
	// Pages 2..10 meet four at a time: only a client that fetches
	// DefaultPageConcurrency pages at once gets past the rendezvous.
	f := &fakeList{n: 950, flight: newFlight(DefaultPageConcurrency)}
	rs := chk(fakeClient(t, f, nil).ListAllRunners(t.Context(), ListRunnersOptions{})).must(t)
	checkOrder(t, rs, 950)
	if f.requests.Load() != 10 {
		t.Fatalf("requests = %d, want 10", f.requests.Load())
	}
	if m := f.flight.max.Load(); !f.flight.metAll() || m != DefaultPageConcurrency {
		t.Fatalf("max concurrent pages = %d (rendezvous met: %v), want %d", m, f.flight.metAll(), DefaultPageConcurrency)
	}
	for _, pp := range f.perPages {
		if pp != "100" {
			t.Fatalf("per_page = %s", pp)
		}
	}
}

func TestPaginationConcurrencyBound(t *testing.T) {
	f := &fakeList{n: 1000, flight: newFlight(2)}
	c := fakeClient(t, f, func(cfg *Config) { cfg.PageConcurrency = 2 })
	rs := chk(c.ListRunners(t.Context(), ListRunnersOptions{})).must(t)
	checkOrder(t, rs, 1000)
	if m := f.flight.max.Load(); !f.flight.metAll() || m != 2 {
		t.Fatalf("max concurrent pages = %d (rendezvous met: %v), want 2", m, f.flight.metAll())
	}
}

func TestPaginationSequentialWithoutTotals(t *testing.T) {
	f := &fakeList{n: 10_250}
	rs := chk(fakeClient(t, f, nil).ListAllRunners(t.Context(), ListRunnersOptions{})).must(t)
	checkOrder(t, rs, 10_250)
	if f.requests.Load() != 103 || f.flight.max.Load() != 1 {
		t.Fatalf("requests %d (want 103), max in flight %d (want 1)", f.requests.Load(), f.flight.max.Load())
	}
	for i, p := range f.pagesAsked {
		if p != i+1 {
			t.Fatalf("page %d asked as request %d", p, i+1)
		}
	}
}

func TestPaginationLinkHeaderFallback(t *testing.T) {
	f := &fakeList{n: 10_001, linkOnly: true}
	rs := chk(fakeClient(t, f, nil).ListRunners(t.Context(), ListRunnersOptions{})).must(t)
	checkOrder(t, rs, 10_001)
}

func TestPaginationEmptyAndSinglePage(t *testing.T) {
	for _, n := range []int{0, 1, 100} {
		f := &fakeList{n: n}
		srv := httptest.NewServer(f)
		c := newTestClient(t, testConfig(srv.URL))
		rs, err := c.ListRunners(t.Context(), ListRunnersOptions{})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rs == nil {
			t.Fatal("an empty list must be non-nil")
		}
		checkOrder(t, rs, n)
		if f.requests.Load() != 1 {
			t.Fatalf("n=%d: %d requests", n, f.requests.Load())
		}
	}
}

func TestPaginationErrorOnLaterPage(t *testing.T) {
	for _, n := range []int{900, 10_500} {
		f := &fakeList{n: n, failPage: 4}
		srv := httptest.NewServer(f)
		c := newTestClient(t, testConfig(srv.URL))
		_, err := c.ListAllRunners(t.Context(), ListRunnersOptions{})
		srv.Close()
		if !IsForbidden(err) {
			t.Fatalf("n=%d: want the 403 of page 4, got %v", n, err)
		}
	}
}

func TestListRunnerJobsMaxJobs(t *testing.T) {
	cases := []struct {
		n, max, wantLen, wantReq int
		wantPerPage              string
	}{
		{n: 500, max: 30, wantLen: 30, wantReq: 1, wantPerPage: "30"},
		{n: 500, max: 250, wantLen: 250, wantReq: 3, wantPerPage: "100"},
		{n: 20, max: 250, wantLen: 20, wantReq: 1, wantPerPage: "100"},
		{n: 12_000, max: 150, wantLen: 150, wantReq: 2, wantPerPage: "100"},
		{n: 500, max: 0, wantLen: 500, wantReq: 5, wantPerPage: "100"},
	}
	for _, tc := range cases {
		f := &fakeList{n: tc.n}
		srv := httptest.NewServer(f)
		c := newTestClient(t, testConfig(srv.URL))
		jobs, err := c.ListRunnerJobs(t.Context(), 1, ListRunnerJobsOptions{MaxJobs: tc.max, Status: "running", OrderBy: "id", Sort: "asc"})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != tc.wantLen || int(f.requests.Load()) != tc.wantReq || f.perPages[0] != tc.wantPerPage {
			t.Fatalf("%+v: got %d jobs in %d requests (per_page %s)", tc, len(jobs), f.requests.Load(), f.perPages[0])
		}
		for i, j := range jobs {
			if j.ID != int64(i+1) {
				t.Fatalf("order: job %d has id %d", i, j.ID)
			}
		}
	}
}

func TestNextPageParsing(t *testing.T) {
	h := http.Header{}
	h.Set("X-Next-Page", "")
	h.Set("Link", `<https://x/api/v4/runners?page=2>; rel="next"`)
	if _, st := nextPage(h); st != pageEnd {
		t.Fatal("an empty X-Next-Page ends the list even if Link disagrees")
	}
	h = http.Header{}
	h.Set("Link", `<https://x/api/v4/runners?page=1&per_page=100>; rel="first", <https://x/api/v4/runners?page=7&per_page=100>; rel="next"`)
	if p, st := nextPage(h); st != pageNext || p != 7 {
		t.Fatalf("Link next: %d %v", p, st)
	}
}
