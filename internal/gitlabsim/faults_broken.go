package gitlabsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Broken answers: what a client sees behind a proxy that mangles, truncates
// or replaces GitLab's answers, or from a GitLab that answers with the wrong
// shape. They let tests prove that a client never takes garbage for data.

const defaultStall = 10 * time.Minute

// proxyNotFoundPage is what nginx or a maintenance page answers for a path it
// does not forward: a 404 that says nothing about the runner.
const proxyNotFoundPage = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n"

func isBrokenAnswer(k FaultKind) bool {
	switch k {
	case FaultTruncatedJSON, FaultNullBody, FaultEmptyBody, FaultStringID, FaultNullItems,
		FaultWrongShape, FaultHTML404, FaultStallBody, FaultPagination:
		return true
	}
	return false
}

// canBeUnapplied lists the broken answers that do not need GitLab's real
// answer to build theirs.
func canBeUnapplied(k FaultKind) bool {
	return k == FaultNullBody || k == FaultEmptyBody || k == FaultHTML404
}

// applied resolves the rule's Applied flag for its kind.
func (f FaultRule) applied() bool {
	if f.Applied != nil {
		return *f.Applied
	}
	return f.Kind != FaultHTML404
}

// validateFaultRule rejects rules the simulator cannot honour.
func validateFaultRule(r FaultRule) error {
	switch r.Kind {
	case FaultLoseResponse, FaultError500, FaultError502, FaultError503, FaultRateLimit, FaultLatency, FaultConnReset:
	default:
		if !isBrokenAnswer(r.Kind) {
			return fmt.Errorf("unknown fault kind %q", r.Kind)
		}
	}
	if r.Every < 0 {
		return fmt.Errorf("every must not be negative, got %d", r.Every)
	}
	if !r.applied() && !canBeUnapplied(r.Kind) {
		return fmt.Errorf("fault kind %q mangles GitLab's answer, so it cannot be \"applied\": false", r.Kind)
	}
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		return fmt.Errorf("status %d is not an HTTP status", r.Status)
	}
	switch r.Pagination {
	case "", PaginationNextPastEnd, PaginationTotalPagesInflated, PaginationMissing, PaginationMalformed, PaginationRepeatFirstPage:
	default:
		return fmt.Errorf("unknown pagination mode %q", r.Pagination)
	}
	return nil
}

// serveBroken answers with the broken answer d chose. run applies the
// request and returns GitLab's real answer.
func (s *Sim) serveBroken(w http.ResponseWriter, r *http.Request, d faultDecision, run func() apiResponse) {
	rule := d.rule
	asked := 1
	if d.kind == FaultPagination && rule.Pagination == PaginationRepeatFirstPage {
		q := r.URL.Query()
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
			asked = n
		}
		q.Set("page", "1")
		r.URL.RawQuery = q.Encode()
	}
	var resp apiResponse
	if rule.applied() {
		resp = run()
	} else {
		status := http.StatusOK
		if r.Method == http.MethodPost {
			status = http.StatusCreated
		}
		resp = apiResponse{status: status, header: http.Header{}}
		resp.header.Set("Content-Type", "application/json")
	}
	s.countFault(d.kind)
	s.logf("gitlabsim: %s %s -> %d, then fault %s (applied %v)", r.Method, r.URL.RequestURI(), resp.status, d.kind, rule.applied())

	switch d.kind {
	case FaultTruncatedJSON:
		resp.body = resp.body[:len(resp.body)/2]
	case FaultNullBody:
		resp.body = []byte("null")
	case FaultEmptyBody:
		resp.body = []byte{}
	case FaultStringID:
		resp.body = rewriteJSON(resp.body, stringIDs)
	case FaultNullItems:
		resp.body = rewriteJSON(resp.body, nullItems)
	case FaultWrongShape:
		resp.body = rewriteJSON(resp.body, wrongShape)
	case FaultHTML404:
		resp.status = http.StatusNotFound
		resp.header = http.Header{}
		resp.header.Set("Content-Type", "text/html; charset=utf-8")
		resp.header.Set("Server", "nginx")
		resp.body = []byte(proxyNotFoundPage)
	case FaultPagination:
		garblePagination(resp.header, r, rule, asked)
	}
	if rule.Status != 0 {
		resp.status = rule.Status
	}
	if d.kind == FaultStallBody {
		stallBody(w, r, resp, rule.Stall)
		return
	}
	writeResponse(w, r, resp)
}

// stallBody sends the headers (with the full Content-Length) and half the
// body, then holds the rest until the client gives up or the bound passes,
// so tests never depend on how long it is held.
func stallBody(w http.ResponseWriter, r *http.Request, resp apiResponse, bound time.Duration) {
	if bound <= 0 {
		bound = defaultStall
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	half := len(resp.body) / 2
	_, _ = w.Write(resp.body[:half])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	t := time.NewTimer(bound)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return
	case <-t.C:
	}
	_, _ = w.Write(resp.body[half:])
}

// rewriteJSON applies fn to the decoded body; a body that is not JSON is
// left alone.
func rewriteJSON(body []byte, fn func(any) any) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	out, err := marshalJSON(fn(v))
	if err != nil {
		return body
	}
	return out
}

// stringIDs turns every numeric "id" into a string, as a proxy rewriting
// JSON or a GitLab fork serialising ids as strings would.
func stringIDs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if n, ok := e.(json.Number); ok && k == "id" {
				t[k] = n.String()
				continue
			}
			t[k] = stringIDs(e)
		}
	case []any:
		for i, e := range t {
			t[i] = stringIDs(e)
		}
	}
	return v
}

func nullItems(v any) any {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return []any{nil}
	}
	return make([]any, len(list))
}

func wrongShape(v any) any {
	switch t := v.(type) {
	case []any:
		if len(t) > 0 {
			return t[0]
		}
		return map[string]any{}
	case map[string]any:
		return []any{t}
	}
	return map[string]any{}
}

var paginationHeaders = []string{"X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page", "X-Total", "X-Total-Pages", "Link"}

const inflatedTotalPages = 1000

// garblePagination rewrites the pagination headers of a list answer.
func garblePagination(h http.Header, r *http.Request, rule FaultRule, asked int) {
	page := 1
	if n, err := strconv.Atoi(h.Get("X-Page")); err == nil && n > 0 {
		page = n
	}
	perPage := h.Get("X-Per-Page")
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Del("private_token")
		q.Set("page", strconv.Itoa(p))
		if perPage != "" {
			q.Set("per_page", perPage)
		}
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, requestBaseURL(r), r.URL.EscapedPath(), q.Encode(), rel)
	}
	switch rule.Pagination {
	case PaginationNextPastEnd:
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		h.Set("Link", link(page+1, "next")+", "+link(1, "first"))
	case PaginationTotalPagesInflated:
		h.Set("X-Total-Pages", strconv.Itoa(inflatedTotalPages))
		links := []string{link(1, "first"), link(inflatedTotalPages, "last")}
		if page < inflatedTotalPages {
			h.Set("X-Next-Page", strconv.Itoa(page+1))
			links = append([]string{link(page+1, "next")}, links...)
		}
		h.Set("Link", strings.Join(links, ", "))
	case PaginationMissing:
		for _, k := range paginationHeaders {
			h.Del(k)
		}
	case PaginationRepeatFirstPage:
		for _, k := range paginationHeaders {
			h.Del(k)
		}
		h.Set("X-Page", strconv.Itoa(asked))
		h.Set("X-Next-Page", strconv.Itoa(asked+1))
	case PaginationMalformed:
		h.Set("X-Page", "one")
		h.Set("X-Per-Page", "many")
		h.Set("X-Next-Page", "next")
		h.Set("X-Prev-Page", "-1")
		h.Set("X-Total", "lots")
		h.Set("X-Total-Pages", "-3")
		h.Set("Link", `<not a url>; rel=next; garbage`)
	}
	for k, v := range rule.Headers {
		h.Set(k, v)
	}
	for _, k := range rule.DropHeaders {
		h.Del(k)
	}
}

// adminInjectFaults serves POST /-/sim/faults: one rule, or a list of rules
// added together (a combined scenario) and all validated before any is.
func (s *Sim) adminInjectFaults(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		adminError(w, 400, err)
		return
	}
	b = bytes.TrimSpace(b)
	var rules []FaultRule
	if len(b) > 0 && b[0] == '[' {
		err = json.Unmarshal(b, &rules)
	} else {
		var one FaultRule
		if len(b) > 0 {
			err = json.Unmarshal(b, &one)
		}
		rules = []FaultRule{one}
	}
	if err != nil {
		adminError(w, 400, err)
		return
	}
	for i, rule := range rules {
		if err := validateFaultRule(rule); err != nil {
			if len(rules) > 1 {
				err = fmt.Errorf("rule %d: %w", i, err)
			}
			adminError(w, 400, err)
			return
		}
	}
	s.InjectFaults(rules...)
	if len(b) > 0 && b[0] == '[' {
		adminJSON(w, 201, rules)
		return
	}
	adminJSON(w, 201, rules[0])
}
