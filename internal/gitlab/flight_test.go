package gitlab

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// flight counts requests in flight and can hold them at a rendezvous:
// requests that take part wait until `meet` of them are waiting together,
// then all go on (and later ones do not wait). A concurrent client always
// meets there, however slow the machine; a sequential one never does, so
// tests prove concurrency by a count instead of by elapsed time. A request
// that waits longer than flightPatience ends the rendezvous for everyone,
// so a broken client fails the test rather than hanging it.
type flight struct {
	meet int

	mu      sync.Mutex
	waiting int
	met     chan struct{}
	isMet   bool
	gaveUp  bool // a waiter ran out of patience: nobody waits any more

	cur, max atomic.Int32
}

const flightPatience = 10 * time.Second

func newFlight(meet int) *flight { return &flight{meet: meet, met: make(chan struct{})} }

// enter records a request in flight (waiting at the rendezvous if meeting
// and it has not been met yet) and returns the function that records its
// end.
func (f *flight) enter(ctx context.Context, meeting bool) (leave func()) {
	n := f.cur.Add(1)
	for m := f.max.Load(); n > m && !f.max.CompareAndSwap(m, n); m = f.max.Load() {
	}
	if meeting && f.meet > 0 {
		f.wait(ctx)
	}
	return func() { f.cur.Add(-1) }
}

func (f *flight) wait(ctx context.Context) {
	f.mu.Lock()
	if f.isMet || f.gaveUp {
		f.mu.Unlock()
		return
	}
	f.waiting++
	if f.waiting == f.meet {
		f.isMet = true
		close(f.met)
	}
	f.mu.Unlock()
	t := time.NewTimer(flightPatience)
	defer t.Stop()
	select {
	case <-f.met:
		return
	case <-t.C:
		f.mu.Lock()
		f.gaveUp = true
		f.mu.Unlock()
	case <-ctx.Done():
	}
	f.mu.Lock()
	if !f.isMet {
		f.waiting--
	}
	f.mu.Unlock()
}

// metAll reports whether `meet` requests were once waiting together.
func (f *flight) metAll() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.isMet
}

// pageFlightTransport puts the requests for page 2 and later through a
// flight and records the order in which pages were asked and answered.
type pageFlightTransport struct {
	next http.RoundTripper
	f    *flight

	mu     sync.Mutex
	events []string // "ask 2", "done 1", ...
}

func (p *pageFlightTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	page, _ := strconv.Atoi(req.URL.Query().Get("page"))
	page = max(page, 1)
	p.log("ask " + strconv.Itoa(page))
	if page > 1 {
		defer p.f.enter(req.Context(), true)()
	}
	resp, err := p.next.RoundTrip(req)
	p.log("done " + strconv.Itoa(page))
	return resp, err
}

func (p *pageFlightTransport) log(ev string) {
	p.mu.Lock()
	p.events = append(p.events, ev)
	p.mu.Unlock()
}

// retryWaits returns the waits the client chose before each retry, as its
// debug log reports them ("wait" of "GitLab API request will be retried").
// retryablehttp sleeps exactly the wait the client's Backoff returns, so
// this checks Retry-After handling without measuring time.
func retryWaits(t *testing.T, logs *bytes.Buffer) []string {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(bytes.NewReader(logs.Bytes()))
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var waits []string
	for _, e := range entries {
		if e["@message"] == "GitLab API request will be retried" {
			w, _ := e["wait"].(string)
			waits = append(waits, w)
		}
	}
	return waits
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
