package gitlabsim

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP serves the GitLab API under /api/v4 and the simulator's admin API
// under /-/sim/.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/-/sim" || strings.HasPrefix(r.URL.Path, "/-/sim/") {
		s.serveAdmin(w, r)
		return
	}
	escaped := r.URL.EscapedPath()
	if escaped != apiPrefix && !strings.HasPrefix(escaped, apiPrefix+"/") {
		writeResponse(w, r, jsonResponse(404, map[string]string{"error": "404 Not Found"}))
		return
	}
	segs := splitPath(strings.TrimPrefix(escaped, apiPrefix))
	rt, vars := s.match(r.Method, segs)
	tmpl, name := r.Method+" (unmatched)", "unmatched"
	if rt != nil {
		tmpl, name = rt.tmpl, rt.name
	}
	s.countRequest(tmpl)
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
	}

	d := s.decide(r.Method, r.URL.Path, requestKey(r.Method, r.URL.RequestURI(), body))
	if d.latency > 0 {
		s.countFault(FaultLatency)
		t := time.NewTimer(d.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	now := s.Now()
	switch d.kind {
	case FaultConnReset:
		s.countFault(d.kind)
		s.logf("gitlabsim: %s %s -> fault %s", r.Method, r.URL.RequestURI(), d.kind)
		dropConnection(w, true)
		return
	case FaultRateLimit:
		s.countFault(d.kind)
		retry := d.retryAfter
		if retry <= 0 {
			retry = 1
		}
		limit := s.FaultConfig().RateLimit
		if limit <= 0 {
			limit = 1
		}
		s.logf("gitlabsim: %s %s -> fault %s", r.Method, r.URL.RequestURI(), d.kind)
		writeThrottled(w, now, limit, limit+1, now.Add(time.Duration(retry)*time.Second))
		return
	case FaultError500, FaultError502, FaultError503:
		if d.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(d.retryAfter))
		}
		s.countFault(d.kind)
		s.logf("gitlabsim: %s %s -> fault %s", r.Method, r.URL.RequestURI(), d.kind)
		writeServerError(w, d.kind)
		return
	}
	if limited, limit, observed, reset := s.throttle(now); limited {
		s.countFault(FaultRateLimit)
		s.logf("gitlabsim: %s %s -> 429 (throttled)", r.Method, r.URL.RequestURI())
		writeThrottled(w, now, limit, observed, reset)
		return
	}

	if isBrokenAnswer(d.kind) {
		s.serveBroken(w, r, d, func() apiResponse { return s.serveAPI(r, rt, vars, body) })
		return
	}
	resp := s.serveAPI(r, rt, vars, body)
	if d.kind == FaultLoseResponse {
		s.countFault(d.kind)
		s.logf("gitlabsim: %s %s -> %d, then fault %s", r.Method, r.URL.RequestURI(), resp.status, d.kind)
		dropConnection(w, false)
		return
	}
	s.logf("gitlabsim: %s %s -> %d (%s)", r.Method, r.URL.RequestURI(), resp.status, name)
	writeResponse(w, r, resp)
}

func writeResponse(w http.ResponseWriter, r *http.Request, resp apiResponse) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Cache-Control", "max-age=0, private, must-revalidate")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	if resp.status != http.StatusNoContent && resp.body != nil {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead && resp.status != http.StatusNoContent && resp.body != nil {
		_, _ = w.Write(resp.body)
	}
}
