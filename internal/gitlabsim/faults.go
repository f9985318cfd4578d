package gitlabsim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultConfig describes probabilistic faults and the instance throttle.
type FaultConfig struct {
	RateLimit        int           `json:"rate_limit"`         // requests per RateLimitWindow for the whole instance; 0 = off
	RateLimitWindow  time.Duration `json:"rate_limit_window"`  // default 1 minute
	ErrorRate        float64       `json:"error_rate"`         // probability of 500/502/503 (request NOT applied)
	Latency          time.Duration `json:"latency"`            // added to every request
	LoseResponseRate float64       `json:"lose_response_rate"` // request applied, then the connection is closed with no response
	Seed             int64         `json:"seed"`               // RNG seed for the probabilities
	// MaxRepeatFaults > 0 lets a request through, served as GitLab would,
	// once that many identical requests in a row (same method, URI and
	// body) have been faulted by rules or probabilities; 0 = no limit.
	// Periodic rules land on whichever requests happen to be Nth when
	// several clients run at once, so without a limit the same retried
	// request can be faulted more times in a row than any retry budget
	// allows, and a test's outcome would depend on scheduling. The
	// instance throttle is GitLab's own behaviour and is not limited.
	MaxRepeatFaults int `json:"max_repeat_faults"`
}

// FaultKind names an injectable fault.
type FaultKind string

const (
	FaultLoseResponse FaultKind = "lose_response" // applied, connection closed without answer
	FaultError500     FaultKind = "error_500"     // not applied
	FaultError502     FaultKind = "error_502"
	FaultError503     FaultKind = "error_503"
	FaultRateLimit    FaultKind = "rate_limit" // 429 like the instance throttle, not applied
	FaultLatency      FaultKind = "latency"
	FaultConnReset    FaultKind = "conn_reset" // connection closed BEFORE the request is applied

	// Broken answers (see faults_broken.go). Unless the rule says
	// "applied": false the request is applied first, so the client cannot
	// know the outcome from the answer.
	FaultTruncatedJSON FaultKind = "truncated_json" // the body cut in half (Content-Length matches the cut body)
	FaultNullBody      FaultKind = "null_body"      // body "null"
	FaultEmptyBody     FaultKind = "empty_body"     // empty body, Content-Length 0
	FaultStringID      FaultKind = "string_id"      // every numeric "id" becomes a JSON string ("1152")
	FaultNullItems     FaultKind = "null_items"     // every element of a list becomes null; an empty list becomes [null]
	FaultWrongShape    FaultKind = "wrong_shape"    // a list becomes its first object ({} if empty), an object becomes [object]
	FaultHTML404       FaultKind = "html_404"       // a proxy's HTML 404 page; NOT applied unless "applied": true
	FaultStallBody     FaultKind = "stall_body"     // headers and half the body, then nothing until the client leaves or Stall passes
	FaultPagination    FaultKind = "pagination"     // pagination headers rewritten per Pagination, Headers and DropHeaders
)

// Pagination garbage modes of FaultPagination.
const (
	PaginationNextPastEnd        = "next_past_end"        // X-Next-Page and rel="next" always point at the following page, even past the end
	PaginationTotalPagesInflated = "total_pages_inflated" // X-Total-Pages 1000 whatever X-Total and per_page say, X-Next-Page up to it
	PaginationMissing            = "missing"              // no X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, X-Total, X-Total-Pages, Link
	PaginationMalformed          = "malformed"            // the same headers present with unparsable values
	// PaginationRepeatFirstPage answers page 1 whatever page is asked for,
	// with X-Next-Page always the page after the one asked for and no
	// totals: a caching proxy that drops the query string. Only a page cap
	// ends such a listing.
	PaginationRepeatFirstPage = "repeat_first_page"
)

// FaultRule injects a fault into the next Count requests matching Method
// and Path, or with Every into every Every-th matching request.
type FaultRule struct {
	Method     string        `json:"method"`      // "" = any
	Path       string        `json:"path"`        // exact request path, e.g. "/api/v4/user/runners"; a trailing "*" makes it a prefix
	Kind       FaultKind     `json:"kind"`        //
	Count      int           `json:"count"`       // how many matching requests it hits; 0 = 1
	RetryAfter int           `json:"retry_after"` // seconds, for rate_limit (default 1)
	Latency    time.Duration `json:"latency"`     // for latency (JSON: nanoseconds or a string like "2s")
	// Every > 0 hits matching requests Every, 2*Every, 3*Every ... (each
	// rule counts the requests it matches, whichever rule hit them); Count
	// then caps the hits, 0 = unlimited.
	Every int `json:"every"`
	// Applied says whether a broken-answer fault applies the request before
	// answering; nil = true, except html_404 (a proxy answered). Only
	// null_body, empty_body and html_404 can be unapplied: the others mangle
	// the real answer.
	Applied *bool `json:"applied,omitempty"`
	// Status replaces the status code of a broken answer (e.g. 201 with an
	// empty body for a create that was not applied); 0 keeps GitLab's.
	Status int `json:"status"`
	// Stall bounds stall_body (JSON like latency); 0 = 10 minutes. The
	// stall ends earlier when the client disconnects.
	Stall       time.Duration     `json:"stall"`
	Pagination  string            `json:"pagination"`   // mode of kind pagination, see Pagination* constants; "" = only Headers/DropHeaders
	Headers     map[string]string `json:"headers"`      // kind pagination: headers set after the mode
	DropHeaders []string          `json:"drop_headers"` // kind pagination: headers removed last
}

// UnmarshalJSON accepts latency as nanoseconds or a Go duration string.
func (f *FaultRule) UnmarshalJSON(b []byte) error {
	type plain FaultRule
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency"`
		Stall   json.RawMessage `json:"stall"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = FaultRule(aux.plain)
	d, err := parseJSONDuration(aux.Latency)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	f.Latency = d
	if f.Stall, err = parseJSONDuration(aux.Stall); err != nil {
		return fmt.Errorf("stall: %w", err)
	}
	return nil
}

// UnmarshalJSON accepts the durations as nanoseconds or duration strings.
func (c *FaultConfig) UnmarshalJSON(b []byte) error {
	type plain FaultConfig
	var aux struct {
		plain
		RateLimitWindow json.RawMessage `json:"rate_limit_window"`
		Latency         json.RawMessage `json:"latency"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*c = FaultConfig(aux.plain)
	var err error
	if c.RateLimitWindow, err = parseJSONDuration(aux.RateLimitWindow); err != nil {
		return fmt.Errorf("rate_limit_window: %w", err)
	}
	if c.Latency, err = parseJSONDuration(aux.Latency); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	return nil
}

func parseJSONDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("want nanoseconds or a duration string, got %s", raw)
	}
	return time.Duration(n), nil
}

type faultRuleState struct {
	FaultRule
	left int // hits left; negative = unlimited
	seen int // matching requests so far, for Every
}

func (f *faultRuleState) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if strings.HasSuffix(f.Path, "*") {
		return strings.HasPrefix(path, strings.TrimSuffix(f.Path, "*"))
	}
	return f.Path == "" || f.Path == path
}

// hit counts a matching request and says whether the rule fires on it.
func (f *faultRuleState) hit() bool {
	if f.Every <= 0 {
		return true
	}
	f.seen++
	return f.seen%f.Every == 0
}

func (f *faultRuleState) use() {
	if f.left > 0 {
		f.left--
	}
}

// InjectFaults adds several rules at once, e.g. every fault of a combined
// scenario; the first matching rule wins a request.
func (s *Sim) InjectFaults(rules ...FaultRule) {
	for _, r := range rules {
		s.InjectFault(r)
	}
}

// InjectFault adds a rule; rules are consumed in the order they were added.
func (s *Sim) InjectFault(r FaultRule) {
	left := r.Count
	if left <= 0 {
		left = 1
		if r.Every > 0 {
			left = -1
		}
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.rules = append(s.rules, &faultRuleState{FaultRule: r, left: left})
}

// ClearFaults removes every injected rule.
func (s *Sim) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.rules = nil
}

// SetFaultConfig replaces the probabilistic fault configuration and reseeds
// the RNG.
func (s *Sim) SetFaultConfig(c FaultConfig) {
	if c.RateLimitWindow <= 0 {
		c.RateLimitWindow = time.Minute
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faultCfg = c
	s.rng = rand.New(rand.NewSource(c.Seed))
	s.rlStart, s.rlCount = time.Time{}, 0
	s.repeatFaults = map[string]int{}
}

// FaultConfig returns the current probabilistic fault configuration.
func (s *Sim) FaultConfig() FaultConfig {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faultCfg
}

type faultDecision struct {
	latency    time.Duration
	kind       FaultKind
	retryAfter int
	rule       FaultRule // the rule that chose kind
}

// requestKey identifies a request for MaxRepeatFaults: a client's retry of
// a request sends the same method, URI and body.
func requestKey(method, requestURI string, body []byte) string {
	h := fnv.New64a()
	_, _ = h.Write(body)
	return method + " " + requestURI + " " + strconv.FormatUint(h.Sum64(), 16)
}

// decide picks the fault for one request: injected rules first (latency
// rules add up; the first other matching rule wins), then the probabilistic
// configuration. key (requestKey) counts the faults in a row of identical
// requests for MaxRepeatFaults.
func (s *Sim) decide(method, path, key string) faultDecision {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var d faultDecision
	d.latency = s.faultCfg.Latency
	// spared: this request is let through; periodic rules still count it,
	// so the faults of other requests stay where they would have been.
	spared := s.faultCfg.MaxRepeatFaults > 0 && s.repeatFaults[key] >= s.faultCfg.MaxRepeatFaults
	kept := s.rules[:0]
	for _, r := range s.rules {
		if r.left != 0 && r.matches(method, path) && r.hit() {
			if r.Kind == FaultLatency {
				d.latency += r.Latency
				r.use()
			} else if d.kind == "" && !spared {
				d.kind, d.retryAfter, d.rule = r.Kind, r.RetryAfter, r.FaultRule
				r.use()
			}
		}
		if r.left != 0 {
			kept = append(kept, r)
		}
	}
	s.rules = kept
	if d.kind == "" && !spared && s.faultCfg.ErrorRate > 0 && s.rng.Float64() < s.faultCfg.ErrorRate {
		d.kind = []FaultKind{FaultError500, FaultError502, FaultError503}[s.rng.Intn(3)]
	}
	if d.kind == "" && !spared && s.faultCfg.LoseResponseRate > 0 && s.rng.Float64() < s.faultCfg.LoseResponseRate {
		d.kind = FaultLoseResponse
	}
	switch {
	case s.faultCfg.MaxRepeatFaults <= 0:
	case d.kind == "":
		delete(s.repeatFaults, key)
	default:
		s.repeatFaults[key]++
	}
	return d
}

// throttle applies the instance-wide Rack::Attack-like limit: fixed windows
// aligned to the epoch of the simulator clock.
func (s *Sim) throttle(now time.Time) (limited bool, limit, observed int, reset time.Time) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faultCfg.RateLimit <= 0 {
		return false, 0, 0, time.Time{}
	}
	w := s.faultCfg.RateLimitWindow
	start := now.Truncate(w)
	if !start.Equal(s.rlStart) {
		s.rlStart, s.rlCount = start, 0
	}
	s.rlCount++
	return s.rlCount > s.faultCfg.RateLimit, s.faultCfg.RateLimit, s.rlCount, start.Add(w)
}

func writeThrottled(w http.ResponseWriter, now time.Time, limit, observed int, reset time.Time) {
	retry := int(math.Ceil(reset.Sub(now).Seconds()))
	if retry < 1 {
		retry = 1
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("Retry-After", strconv.Itoa(retry))
	h.Set("RateLimit-Name", "throttle_authenticated_api")
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Observed", strconv.Itoa(observed))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(0, limit-observed)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = io.WriteString(w, "Retry later\n")
}

func writeServerError(w http.ResponseWriter, kind FaultKind) {
	switch kind {
	case FaultError500:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		_, _ = io.WriteString(w, `{"message":"500 Internal Server Error"}`)
	case FaultError502:
		// 502 and 503 come from the proxy in front of Rails: HTML, not JSON.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>GitLab is not responding (502)</title></head><body><h1>502</h1><p>Whoops, GitLab is taking too much time to respond.</p></body></html>\n")
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(503)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>503</h1><p>GitLab is temporarily unavailable.</p></body></html>\n")
	}
}

// dropConnection closes the client connection without an HTTP response. With
// reset it sets SO_LINGER 0 so the peer sees a TCP RST. Handlers without a
// hijackable connection (httptest.ResponseRecorder) get http.ErrAbortHandler.
func dropConnection(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if reset {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	}
	_ = conn.Close()
}

// ---- stats ---------------------------------------------------------------

// Stats counts API requests (the /-/sim admin API is not counted).
type Stats struct {
	Requests int64               `json:"requests"`
	ByRoute  map[string]int64    `json:"by_route"` // key "METHOD /api/v4/runners/:id" (route template)
	Faults   map[FaultKind]int64 `json:"faults"`
}

// Stats returns a copy of the counters.
func (s *Sim) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := Stats{Requests: s.stats.Requests, ByRoute: map[string]int64{}, Faults: map[FaultKind]int64{}}
	for k, v := range s.stats.ByRoute {
		out.ByRoute[k] = v
	}
	for k, v := range s.stats.Faults {
		out.Faults[k] = v
	}
	return out
}

// ResetStats zeroes the counters.
func (s *Sim) ResetStats() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats = Stats{ByRoute: map[string]int64{}, Faults: map[FaultKind]int64{}}
}

func (s *Sim) countRequest(tmpl string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Requests++
	s.stats.ByRoute[tmpl]++
}

func (s *Sim) countFault(k FaultKind) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Faults[k]++
}
