package gitlabsim

import (
	"encoding/json"
	"fmt"
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
)

// FaultRule injects a fault into the next Count requests matching Method
// and Path.
type FaultRule struct {
	Method     string        `json:"method"`      // "" = any
	Path       string        `json:"path"`        // exact request path, e.g. "/api/v4/user/runners"; a trailing "*" makes it a prefix
	Kind       FaultKind     `json:"kind"`        //
	Count      int           `json:"count"`       // how many matching requests it hits; 0 = 1
	RetryAfter int           `json:"retry_after"` // seconds, for rate_limit (default 1)
	Latency    time.Duration `json:"latency"`     // for latency (JSON: nanoseconds or a string like "2s")
}

// UnmarshalJSON accepts latency as nanoseconds or a Go duration string.
func (f *FaultRule) UnmarshalJSON(b []byte) error {
	type plain FaultRule
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency"`
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
	left int
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

// InjectFault adds a rule; rules are consumed in the order they were added.
func (s *Sim) InjectFault(r FaultRule) {
	if r.Count <= 0 {
		r.Count = 1
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.rules = append(s.rules, &faultRuleState{FaultRule: r, left: r.Count})
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
}

// decide picks the fault for one request: injected rules first (latency
// rules add up; the first other matching rule wins), then the probabilistic
// configuration.
func (s *Sim) decide(method, path string) faultDecision {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var d faultDecision
	d.latency = s.faultCfg.Latency
	kept := s.rules[:0]
	for _, r := range s.rules {
		if r.left > 0 && r.matches(method, path) {
			if r.Kind == FaultLatency {
				d.latency += r.Latency
				r.left--
			} else if d.kind == "" {
				d.kind, d.retryAfter = r.Kind, r.RetryAfter
				r.left--
			}
		}
		if r.left > 0 {
			kept = append(kept, r)
		}
	}
	s.rules = kept
	if d.kind == "" && s.faultCfg.ErrorRate > 0 && s.rng.Float64() < s.faultCfg.ErrorRate {
		d.kind = []FaultKind{FaultError500, FaultError502, FaultError503}[s.rng.Intn(3)]
	}
	if d.kind == "" && s.faultCfg.LoseResponseRate > 0 && s.rng.Float64() < s.faultCfg.LoseResponseRate {
		d.kind = FaultLoseResponse
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
