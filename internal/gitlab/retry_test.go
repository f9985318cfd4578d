package gitlab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// testConfig returns a config with millisecond waits so retry tests are fast.
func testConfig(baseURL string) Config {
	return Config{
		BaseURL:       baseURL,
		Token:         "glpat-testtoken0000000000",
		Retries:       3,
		RetryWaitMin:  time.Millisecond,
		RetryWaitMax:  5 * time.Millisecond,
		MaxRetryAfter: 2 * time.Second,
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// countingServer serves h, handing it each request's number (1 for the
// first), and closes when the test ends; the count is of requests that
// reached the server, which is what retry rules are judged by.
func countingServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, attempt int32)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r, n.Add(1)) }))
	t.Cleanup(srv.Close)
	return srv, &n
}

// hijackClose answers by closing the connection without a response, after
// the whole request has been read: the server "applied" the request but the
// client never learns it.
func hijackClose(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

func TestRetryGETOn5xxAnd429(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		switch attempt {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintln(w, "Retry later")
		case 3:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			fmt.Fprint(w, `{"id": 7, "description": "ok", "maximum_timeout": null}`)
		}
	})
	c := newTestClient(t, testConfig(srv.URL))
	r, err := c.GetRunner(t.Context(), 7)
	if err != nil {
		t.Fatalf("GetRunner: %v", err)
	}
	if r.ID != 7 || n.Load() != 4 {
		t.Fatalf("got runner %d after %d attempts, want 7 after 4", r.ID, n.Load())
	}
}

func TestRetryGETGivesUpAfterRetries(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"message":"503 Service Unavailable"}`)
	})
	cfg := testConfig(srv.URL)
	cfg.Retries = 2
	c := newTestClient(t, cfg)
	_, err := c.GetRunner(t.Context(), 1)
	if StatusCode(err) != 503 {
		t.Fatalf("want 503 APIError, got %v", err)
	}
	if n.Load() != 3 {
		t.Fatalf("attempts = %d, want 3 (1 + 2 retries)", n.Load())
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("a GET is never outcome-unknown: %v", err)
	}

	// Retries: 0 disables retrying.
	n.Store(0)
	cfg.Retries = 0
	c = newTestClient(t, cfg)
	if _, err := c.GetRunner(t.Context(), 1); StatusCode(err) != 503 {
		t.Fatalf("want 503, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("attempts with Retries=0: %d", n.Load())
	}
}

func TestRetryGETAfterLostResponse(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			hijackClose(w, r)
			return
		}
		fmt.Fprint(w, `{"id": 3}`)
	})
	c := newTestClient(t, testConfig(srv.URL))
	if _, err := c.GetRunner(t.Context(), 3); err != nil {
		t.Fatalf("GetRunner: %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("attempts = %d, want 2", n.Load())
	}
}

func TestPOSTNotRetriedAfterLostResponse(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		hijackClose(w, r)
	})
	c := newTestClient(t, testConfig(srv.URL))
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrOutcomeUnknown) || !IsOutcomeUnknown(err) {
		t.Fatalf("want ErrOutcomeUnknown, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("POST sent %d times, want exactly 1", n.Load())
	}
	if StatusCode(err) != 0 {
		t.Fatalf("no status for a lost response, got %d", StatusCode(err))
	}
}

func TestPOSTNotRetriedOn5xx(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
				w.WriteHeader(code)
			})
			c := newTestClient(t, testConfig(srv.URL))
			_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("want ErrOutcomeUnknown, got %v", err)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != code || ae.Method != "POST" || ae.Path != "/user/runners" {
				t.Fatalf("APIError not reachable or wrong: %#v", ae)
			}
			if n.Load() != 1 {
				t.Fatalf("POST sent %d times", n.Load())
			}
		})
	}
}

func TestPOSTRetriedOn429(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			w.Header().Set("Retry-After", "0")
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintln(w, "Retry later")
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id": 5, "token": "glrt-t1_abcdefghijklmnopqrst", "token_expires_at": null}`)
	})
	c := newTestClient(t, testConfig(srv.URL))
	got, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != 5 || got.TokenExpiresAt != nil || n.Load() != 2 {
		t.Fatalf("got %+v after %d attempts", got, n.Load())
	}
}

// TestRetryAfterHonoured spends one real second: Retry-After: 1 must be
// waited, not replaced by the millisecond backoff.
func TestRetryAfterHonoured(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `[]`)
	})
	c := newTestClient(t, testConfig(srv.URL))
	var logs bytes.Buffer
	if _, err := c.ListRunners(tflogtest.RootLogger(t.Context(), &logs), ListRunnersOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := retryWaits(t, &logs); n.Load() != 2 || !slices.Equal(w, []string{"1s"}) {
		t.Fatalf("attempts %d, waits %v; want 2 and one wait of 1s", n.Load(), w)
	}
}

func TestRateLimitResetAndCap(t *testing.T) {
	// RateLimit-Reset is a Unix time; with no Retry-After the client waits
	// until then, capped by MaxRetryAfter.
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `[]`)
	})
	cfg := testConfig(srv.URL)
	cfg.MaxRetryAfter = 80 * time.Millisecond
	cfg.MaxRetryWait = 2 * time.Hour // an hour is accepted, and then capped
	c := newTestClient(t, cfg)
	var logs bytes.Buffer
	if _, err := c.ListRunners(tflogtest.RootLogger(t.Context(), &logs), ListRunnersOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := retryWaits(t, &logs); n.Load() != 2 || !slices.Equal(w, []string{"80ms"}) {
		t.Fatalf("attempts %d, waits %v; want the 80ms cap", n.Load(), w)
	}

	now := time.Unix(1_700_000_000, 0)
	h := http.Header{}
	h.Set("RateLimit-Reset", "1700000030")
	if d, ok := serverWait(h, now); !ok || d != 30*time.Second {
		t.Fatalf("RateLimit-Reset: %s %v", d, ok)
	}
	h.Set("Retry-After", "7")
	if d, ok := serverWait(h, now); !ok || d != 7*time.Second {
		t.Fatalf("Retry-After wins: %s %v", d, ok)
	}
	h = http.Header{}
	h.Set("Retry-After", now.Add(12*time.Second).UTC().Format(http.TimeFormat))
	if d, ok := serverWait(h, now); !ok || d != 12*time.Second {
		t.Fatalf("Retry-After date: %s %v", d, ok)
	}
	if _, ok := serverWait(http.Header{}, now); ok {
		t.Fatal("no header must mean no server wait")
	}
}

func TestNoRetryWhenDeadlineBeforeRetryAfter(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	cfg := testConfig(srv.URL)
	cfg.MaxRetryAfter = 2 * time.Hour
	cfg.MaxRetryWait = 2 * time.Hour
	c := newTestClient(t, cfg)
	// The deadline is far enough for any machine to get the first answer,
	// and an hour too short for the wait Retry-After asks for.
	var logs bytes.Buffer
	ctx, cancel := context.WithTimeout(tflogtest.RootLogger(t.Context(), &logs), time.Minute)
	defer cancel()
	_, err := c.GetRunner(ctx, 1)
	if !errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("want the 429, got %v", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.RetryAfter != time.Hour {
		t.Fatalf("RetryAfter not reported: %#v", ae)
	}
	if w := retryWaits(t, &logs); n.Load() != 1 || len(w) != 0 || !strings.Contains(logs.String(), "deadline before next attempt") {
		t.Fatalf("%d attempts, waits %v; must give up at once", n.Load(), w)
	}
}

// refusingDialer fails the first `refuse` dials like a closed port (or a DNS
// failure), then dials for real, counting every dial.
type refusingDialer struct {
	refuse int32
	dns    bool
	dials  atomic.Int32
}

func (d *refusingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.dials.Add(1) <= d.refuse {
		if d.dns {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "gitlab.invalid", IsNotFound: true}}
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func TestPOSTRetriedWhenNeverSent(t *testing.T) {
	for _, dns := range []bool{false, true} {
		t.Run(fmt.Sprintf("dns=%v", dns), func(t *testing.T) {
			srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, `{"id": 9, "token": "glrt-xyz", "token_expires_at": null}`)
			})
			d := &refusingDialer{refuse: 2, dns: dns}
			cfg := testConfig(srv.URL)
			cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
			c := newTestClient(t, cfg)
			got, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != 9 || d.dials.Load() != 3 || n.Load() != 1 {
				t.Fatalf("id %d, dials %d, requests %d; want 9, 3, 1", got.ID, d.dials.Load(), n.Load())
			}
		})
	}
}

func TestPOSTConnectionRefusedIsNotOutcomeUnknown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	d := &refusingDialer{} // counts real dials to the closed port
	cfg := testConfig("http://" + addr)
	cfg.Retries = 2
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	c := newTestClient(t, cfg)
	_, err = c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("want a plain connection error, got %v", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("cause lost: %v", err)
	}
	if d.dials.Load() != 3 {
		t.Fatalf("dials = %d, want 3 (refused POSTs are retried)", d.dials.Load())
	}
}

func TestPOSTCancelledInFlightIsOutcomeUnknown(t *testing.T) {
	// The context ends only once the server holds the request, so the POST
	// has certainly been sent, however slow the machine.
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, testConfig(srv.URL))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want ErrOutcomeUnknown wrapping the cancellation, got %v", err)
	}
}

func TestPOSTCancelledBeforeSendingIsNotOutcomeUnknown(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { fmt.Fprint(w, `{"id": 1}`) })
	cfg := testConfig(srv.URL)
	cfg.RequestsPerSecond = 0.001 // the second request would wait 1000 s for its slot
	c := newTestClient(t, cfg)
	if _, err := c.GetRunner(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	ctx := cancelWhenQueued(t, c)
	_, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if err == nil || errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a POST held back by the rate limiter was never sent; got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("server saw %d requests; the POST must not have reached it", n.Load())
	}
}

func TestDeleteRetriedAfterLostResponseIsSuccess(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			hijackClose(w, r) // deleted, but the answer is lost
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"404 Runner Not Found"}`)
	})
	c := newTestClient(t, testConfig(srv.URL))
	if err := c.DeleteRunner(t.Context(), 4); err != nil {
		t.Fatalf("DeleteRunner: %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("attempts = %d", n.Load())
	}
	// Without an earlier doubtful attempt a 404 stays a 404.
	n.Store(1)
	if err := c.DeleteRunner(t.Context(), 4); !IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
}

// TestClientRateLimit checks that every attempt, retries and the clients
// made by WithToken included, draws from one limiter; TestLimiterSpacing
// checks the spacing itself.
func TestClientRateLimit(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request, attempt int32) {
		if attempt == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"id":1}`)
	})
	cfg := testConfig(srv.URL)
	cfg.RequestsPerSecond = 0.001 // one attempt, then the next slot is 1000 s away
	c := newTestClient(t, cfg)
	// The 502 is retried, but the retry waits for a slot it never gets.
	if _, err := c.GetRunner(cancelWhenQueued(t, c), 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("want the limiter to hold the retry until cancelled, got %v", err)
	}
	if _, err := c.WithToken("glpat-other").GetRunner(cancelWhenQueued(t, c), 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("a client from WithToken must share the limiter, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("server saw %d attempts, want 1", n.Load())
	}
}

// cancelWhenQueued returns a context that is cancelled as soon as an attempt
// waits in c's limiter (its bucket, empty after one attempt, is then owed a
// token), so a test sees "held by the limiter" without a timeout. The
// cancelled wait gives its token back, so the next call can do the same.
func cancelWhenQueued(t *testing.T, c *Client) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	go func() {
		for c.limiter.Tokens() > -0.5 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
		cancel()
	}()
	return ctx
}

func TestJitterBackoffBounds(t *testing.T) {
	lo, hi := 10*time.Millisecond, 80*time.Millisecond
	for attempt := 0; attempt < 8; attempt++ {
		want := lo << attempt
		if want > hi {
			want = hi
		}
		for i := 0; i < 50; i++ {
			d := jitterBackoff(lo, hi, attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %s outside [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

// TestPOSTOnStaleKeepAliveConnection: GitLab's front end closes idle
// keep-alive connections. A POST that finds its pooled connection dead has
// written nothing; net/http replays it on a fresh connection, so it must
// succeed and must not be reported as outcome-unknown.
func TestPOSTOnStaleKeepAliveConnection(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			w.WriteHeader(http.StatusCreated)
		}
		fmt.Fprint(w, `{"id": 1, "token": "glrt-t1_abcdefghijklmnopqrst"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, testConfig(srv.URL))
	ctx := t.Context()
	for i := 0; i < 5; i++ {
		if _, err := c.GetRunner(ctx, 1); err != nil {
			t.Fatal(err)
		}
		srv.CloseClientConnections()
		if i%2 == 0 {
			time.Sleep(10 * time.Millisecond) // let the client notice, or not
		}
		if _, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance}); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	if posts.Load() != 5 {
		t.Fatalf("posts = %d, want 5", posts.Load())
	}
}
