// Package gitlab is a typed client for GitLab's runners REST API (and the few
// user, group and project endpoints the provider and its tests need).
//
// The methods are split by API object, one file each: runners.go (runner
// CRUD, jobs, managers, creation and registration), runner_tokens.go
// (verify, reset and delete by authentication token), runner_projects.go
// (a project's runners: list, assign, unassign), registration_tokens.go,
// users.go, groups.go and projects.go. The *_harness.go files hold the
// user, group and project methods that only the acceptance harness
// (internal/acctest) and the sweepers call; the provider itself never creates
// users, groups or projects. Each method's doc comment names its HTTP method
// and path and links GitLab's API docs page. Wire types are in types.go;
// errors.go classifies GitLab's answers (IsNotFound, IsAlreadyAssigned, …)
// so that callers never match GitLab's wording themselves.
//
// Retry rules, because GitLab has no idempotency keys:
//   - GET, PUT and DELETE are retried on network errors, 5xx (except 501) and
//     429. A DELETE whose earlier attempt may have been applied treats the
//     "nothing there" answer of the retry (404; 403 for DELETE /runners by
//     token) as success.
//   - POST is retried only on 429 (Rack::Attack rejects before the API runs)
//     and on errors that prove nothing was sent (DNS, connection refused,
//     dial failures). Any other failure after the request may have reached
//     GitLab (connection lost, timeout, cancelled context, 5xx) is returned
//     unretried as an error matching ErrOutcomeUnknown. POSTs always use a
//     fresh connection, so a keep-alive connection closed by the server
//     cannot fake such a loss.
//   - Waits follow Retry-After, else RateLimit-Reset, capped by
//     MaxRetryAfter; otherwise exponential backoff with jitter. A retry that
//     would outlive the context's deadline is not attempted; the last answer
//     is returned instead.
//
// Answers are not trusted blindly, because proxies, truncated connections
// and broken releases produce success statuses with garbage:
//   - Every decoded 2xx body is checked once, in check: it must be JSON of
//     the endpoint's shape (object or list), and the wire types implement
//     validator (a runner has an id, a manager a system_id, a created runner
//     an id and a token; a list has no null element). A body that is empty,
//     null, truncated or of the wrong shape is a *ResponseError matching
//     ErrUnexpectedResponse that names the endpoint ("GET /runners/:id"),
//     never data. A null list is taken for empty only with X-Total: 0.
//   - Such an answer to a POST (201 to POST /user/runners or POST /runners)
//     also matches ErrOutcomeUnknown: GitLab applied it, but the new
//     runner's id and token are lost, exactly as with a lost response. No
//     CreatedRunner with id 0 is ever returned.
//   - A 404, and the "already done" answer of a retried DELETE, counts only
//     when it is GitLab's own: a JSON object with "message" or "error", sent
//     as application/json (or without Content-Type). An HTML or other 404
//     from a proxy or maintenance page is a *ResponseError saying what came
//     back (status, content type, the body's start with secrets masked), and
//     IsNotFound is false for it.
//   - Pagination terminates and is complete: an empty page ends a listing
//     whatever X-Next-Page says; X-Total-Pages is never followed beyond what
//     X-Total and the page size allow; without usable pagination headers the
//     client reads on, one page at a time, while pages come back full; a
//     next page that is not ahead of the current one, and a listing longer
//     than MaxPages (default 10,000) pages, fail with ErrPagination.
//   - Waiting is bounded: a Retry-After or RateLimit-Reset longer than
//     MaxRetryWait (default 120 s) fails at once with GitLab's answer
//     (ErrRetryWaitTooLong); a body that stalls for ReadIdleTimeout (default
//     60 s, measured between reads, so long bodies that keep flowing are
//     fine) fails with ErrIdleTimeout; cancelling the context ends every
//     wait (backoff, rate limiter, a stalled body) at once.
package gitlab

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/time/rate"
)

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-gitlabci/dev"

// Defaults applied by NewClient.
const (
	DefaultRetries         = 5
	DefaultRetryWaitMin    = 1 * time.Second
	DefaultRetryWaitMax    = 30 * time.Second
	DefaultMaxRetryAfter   = 60 * time.Second
	DefaultMaxRetryWait    = 120 * time.Second
	DefaultReadIdleTimeout = 60 * time.Second
	DefaultPageConcurrency = 4
	DefaultMaxPages        = 10_000
	DefaultRequestTimeout  = 2 * time.Minute
	apiPath                = "/api/v4"
)

// Config configures a Client. Zero values select the documented defaults.
type Config struct {
	// BaseURL is the GitLab address, e.g. "https://gitlab.com", with or
	// without a trailing "/api/v4" or "/". A path prefix for GitLab installed
	// under a relative URL ("https://example.com/gitlab") is kept.
	BaseURL string
	// Token is sent as PRIVATE-TOKEN. Optional: the registration-token and
	// runner-token endpoints authenticate with a token in the body.
	Token     string
	UserAgent string
	// Headers are added to every request (after the defaults, so they can
	// override User-Agent but not the token).
	Headers map[string]string

	CACertFile            string // PEM bundle added to the system pool
	Insecure              bool   // skip TLS verification
	ClientCert, ClientKey string // PEM file paths for mutual TLS

	// Retries is the maximum number of retries after the first attempt.
	// 0 disables retries; a negative value selects DefaultRetries.
	Retries                    int
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps how long a Retry-After or RateLimit-Reset header may
	// make the client wait before retrying.
	MaxRetryAfter time.Duration
	// MaxRetryWait is the longest Retry-After or RateLimit-Reset the client
	// accepts (default DefaultMaxRetryWait). A longer one fails the call at
	// once with GitLab's answer, matching ErrRetryWaitTooLong, instead of
	// sleeping through it.
	MaxRetryWait time.Duration
	// ReadIdleTimeout bounds how long a response body may stall between two
	// reads (default DefaultReadIdleTimeout, negative disables it); the
	// error matches ErrIdleTimeout. It is not a bound on the whole body.
	ReadIdleTimeout time.Duration
	// RequestsPerSecond limits every attempt (retries and pages included);
	// 0 means no client-side limit.
	RequestsPerSecond float64
	// PageConcurrency bounds concurrent page fetches when GitLab tells the
	// page count up front.
	PageConcurrency int
	// MaxPages bounds the pages one listing reads (DefaultMaxPages when 0
	// or negative); a longer listing fails with ErrPagination.
	MaxPages int
	// RequestTimeout bounds one attempt (connect to end of body); default
	// DefaultRequestTimeout, negative disables it. The request's context
	// bounds the whole call including retries.
	RequestTimeout time.Duration
	// HTTPClient is an optional base client (tests). Its transport is wrapped,
	// never modified; TLS settings above are applied to a clone when it is an
	// *http.Transport.
	HTTPClient *http.Client

	// idleAfterFunc replaces time.AfterFunc for the ReadIdleTimeout deadline
	// in this package's tests, so they drive it with their own clock.
	idleAfterFunc func(time.Duration, func()) idleTimer
}

// Client talks to one GitLab instance. It is safe for concurrent use.
type Client struct {
	base       *url.URL // API root, ends in /api/v4 (no trailing slash)
	baseStr    string
	token      string
	userAgent  string
	headers    http.Header
	httpClient *http.Client
	// freshClient never reuses a connection. POSTs use it: a pooled
	// connection that the server closed while idle makes a POST fail after
	// its bytes were written, and such a POST cannot be told apart from one
	// GitLab applied and whose answer was lost (see ErrOutcomeUnknown).
	freshClient *http.Client

	retries        int
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration
	maxRetryAfter  time.Duration
	maxRetryWait   time.Duration
	idleTimeout    time.Duration
	pageConc       int
	maxPages       int
	requestTimeout time.Duration
	limiter        *rate.Limiter
	// now is replaceable so tests can check RateLimit-Reset arithmetic.
	now func() time.Time
}

// NewClient validates cfg and builds a Client.
func NewClient(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:           base,
		baseStr:        base.String(),
		token:          cfg.Token,
		userAgent:      cfg.UserAgent,
		headers:        http.Header{},
		retries:        cfg.Retries,
		retryWaitMin:   cfg.RetryWaitMin,
		retryWaitMax:   cfg.RetryWaitMax,
		maxRetryAfter:  cfg.MaxRetryAfter,
		maxRetryWait:   cfg.MaxRetryWait,
		idleTimeout:    cfg.ReadIdleTimeout,
		pageConc:       cfg.PageConcurrency,
		maxPages:       cfg.MaxPages,
		requestTimeout: cfg.RequestTimeout,
		now:            time.Now,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	for k, v := range cfg.Headers {
		if k == "" {
			return nil, errors.New("gitlab: headers: empty header name")
		}
		c.headers.Set(k, v)
	}
	if c.retries < 0 {
		c.retries = DefaultRetries
	}
	if c.retryWaitMin <= 0 {
		c.retryWaitMin = DefaultRetryWaitMin
	}
	if c.retryWaitMax <= 0 {
		c.retryWaitMax = DefaultRetryWaitMax
	}
	if c.retryWaitMax < c.retryWaitMin {
		return nil, fmt.Errorf("gitlab: retry_wait_max (%s) is shorter than retry_wait_min (%s)", c.retryWaitMax, c.retryWaitMin)
	}
	if c.maxRetryAfter <= 0 {
		c.maxRetryAfter = DefaultMaxRetryAfter
	}
	if c.maxRetryWait <= 0 {
		c.maxRetryWait = DefaultMaxRetryWait
	}
	if c.idleTimeout == 0 {
		c.idleTimeout = DefaultReadIdleTimeout
	} else if c.idleTimeout < 0 {
		c.idleTimeout = 0
	}
	if c.pageConc <= 0 {
		c.pageConc = DefaultPageConcurrency
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.requestTimeout == 0 {
		c.requestTimeout = DefaultRequestTimeout
	} else if c.requestTimeout < 0 {
		c.requestTimeout = 0
	}
	if cfg.RequestsPerSecond < 0 {
		return nil, fmt.Errorf("gitlab: requests_per_second must not be negative, got %v", cfg.RequestsPerSecond)
	}
	if cfg.RequestsPerSecond > 0 {
		c.limiter = newLimiter(cfg.RequestsPerSecond)
	}

	tlsCfg, err := buildTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	c.httpClient, c.freshClient, err = buildHTTPClients(cfg.HTTPClient, tlsCfg, c.limiter, c.requestTimeout, c.idleTimeout, cfg.idleAfterFunc)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// BaseURL returns the API root; it always ends in "/api/v4".
func (c *Client) BaseURL() string { return c.baseStr }

// WithToken returns a client with the same settings (and the same connection
// pool and rate limiter) that authenticates with token instead.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

func normalizeBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("gitlab: base_url is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("gitlab: base_url %q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("gitlab: base_url %q must be an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("gitlab: base_url %q has no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("gitlab: base_url %q must not contain credentials; use the token setting", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("gitlab: base_url %q must not contain a query or fragment", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, apiPath)
	p = strings.TrimRight(p, "/")
	u.Path = p + apiPath
	u.RawPath = ""
	return u, nil
}

func buildTLSConfig(cfg Config) (*tls.Config, error) {
	if cfg.CACertFile == "" && !cfg.Insecure && cfg.ClientCert == "" && cfg.ClientKey == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACertFile != "" {
		pem, err := os.ReadFile(cfg.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("gitlab: cacert_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("gitlab: cacert_file %q contains no PEM certificate", cfg.CACertFile)
		}
		tc.RootCAs = pool
	}
	if cfg.Insecure {
		tc.InsecureSkipVerify = true //nolint:gosec // explicitly requested by the user
	}
	if (cfg.ClientCert == "") != (cfg.ClientKey == "") {
		return nil, errors.New("gitlab: client_cert and client_key must be set together")
	}
	if cfg.ClientCert != "" {
		pair, err := tls.LoadX509KeyPair(cfg.ClientCert, cfg.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("gitlab: client_cert/client_key: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

func buildHTTPClients(base *http.Client, tlsCfg *tls.Config, lim *rate.Limiter, timeout, idle time.Duration,
	idleAfterFunc func(time.Duration, func()) idleTimer) (pooled, fresh *http.Client, err error) {
	var hc http.Client
	var rt http.RoundTripper
	if base != nil {
		hc = *base
		rt = base.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		if tlsCfg != nil {
			t, ok := rt.(*http.Transport)
			if !ok {
				return nil, nil, fmt.Errorf("gitlab: TLS settings need an *http.Transport, the supplied client has %T", rt)
			}
			t = t.Clone()
			t.TLSClientConfig = tlsCfg
			rt = t
		}
	} else {
		t := cleanhttp.DefaultPooledTransport()
		// Shorter than the keep-alive timeouts of GitLab's nginx (65 s) and
		// common load balancers, so idle connections are rarely found dead.
		t.IdleConnTimeout = 30 * time.Second
		if tlsCfg != nil {
			t.TLSClientConfig = tlsCfg
		}
		rt = t
	}
	freshRT := rt
	if t, ok := rt.(*http.Transport); ok {
		t = t.Clone()
		t.DisableKeepAlives = true
		freshRT = t
	}
	if idle > 0 {
		rt = &idleTransport{next: rt, timeout: idle, afterFunc: idleAfterFunc}
		freshRT = &idleTransport{next: freshRT, timeout: idle, afterFunc: idleAfterFunc}
	}
	if lim != nil {
		rt = &limitedTransport{next: rt, lim: lim}
		freshRT = &limitedTransport{next: freshRT, lim: lim}
	}
	if hc.Timeout == 0 {
		hc.Timeout = timeout
	}
	if hc.CheckRedirect == nil {
		hc.CheckRedirect = checkRedirect
	}
	fc := hc
	hc.Transport = rt
	fc.Transport = freshRT
	return &hc, &fc, nil
}

// checkRedirect keeps the token on the original host and refuses redirects of
// anything but GET: net/http would turn a redirected POST into a GET and
// silently drop its body, which on GitLab usually means base_url points at an
// http:// address or a renamed host.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return http.ErrUseLastResponse
	}
	orig := via[0]
	if orig.Method != http.MethodGet && orig.Method != http.MethodHead {
		return http.ErrUseLastResponse
	}
	if req.URL.Host != orig.URL.Host || (orig.URL.Scheme == "https" && req.URL.Scheme != "https") {
		req.Header.Del("Private-Token")
		req.Header.Del("Authorization")
	}
	return nil
}
