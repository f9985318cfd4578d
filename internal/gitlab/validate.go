package gitlab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A success status says nothing about the body: a proxy, a truncated
// connection or a broken release can answer 200 with nothing, with null or
// with the wrong JSON. Every decoded answer therefore passes one check: the
// body must be JSON of the endpoint's shape, and the wire types that GitLab
// always sends with an identifier implement validator, so that a runner
// without id never becomes runner 0 in the provider's state.

// validator is implemented by the wire types whose GitLab entity always
// carries certain fields (an id, a token, a system_id).
type validator interface {
	validate() error
}

func (r *Runner) validate() error { return needID("runner", r.ID) }
func (m *RunnerManager) validate() error {
	return needString("runner manager", "system_id", m.SystemID)
}
func (j *Job) validate() error     { return needID("job", j.ID) }
func (u *User) validate() error    { return needID("user", u.ID) }
func (g *Group) validate() error   { return needID("group", g.ID) }
func (p *Project) validate() error { return needID("project", p.ID) }

func (c *CreatedRunner) validate() error {
	if err := needID("runner", c.ID); err != nil {
		return err
	}
	return needString("runner", "token", c.Token)
}

func (t *RunnerToken) validate() error { return needString("runner token", "token", t.Token) }
func (t *RegistrationToken) validate() error {
	return needString("registration token", "token", t.Token)
}

func (t *PersonalAccessToken) validate() error {
	if err := needID("personal access token", t.ID); err != nil {
		return err
	}
	return needString("personal access token", "token", t.Token)
}

func needID(what string, id int64) error {
	if id <= 0 {
		return fmt.Errorf("%s without id (id %d)", what, id)
	}
	return nil
}

func needString(what, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s without %s", what, field)
	}
	return nil
}

// listOf decodes a JSON array whose elements must all be present: with
// pointer elements a null element stays nil instead of becoming a zero
// value, so it can be reported.
type listOf[T any] []*T

func (l *listOf[T]) validate() error {
	for i, e := range *l {
		if e == nil {
			return fmt.Errorf("element %d of the list is null", i)
		}
		if v, ok := any(e).(validator); ok {
			if err := v.validate(); err != nil {
				return fmt.Errorf("element %d of the list: %w", i, err)
			}
		}
	}
	return nil
}

func (l listOf[T]) values() []T {
	out := make([]T, len(l))
	for i, e := range l {
		out[i] = *e
	}
	return out
}

func (l *listOf[T]) isList() {}

// decodeAnswer decodes a 2xx body into out and validates it. The error says
// what is wrong, for ResponseError.Problem.
func decodeAnswer(body []byte, out any, h http.Header) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return errors.New("the body is empty")
	case bytes.Equal(trimmed, []byte("null")):
		// GitLab renders an empty list as []. A null list is taken for
		// empty only when GitLab's own count says so (X-Total: 0), the one
		// case in which nothing can be lost by believing it.
		if _, list := out.(interface{ isList() }); list && strings.TrimSpace(h.Get("X-Total")) == "0" {
			return nil
		}
		return errors.New("the body is JSON null")
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("the body is not valid JSON (%w)", err)
		}
		return fmt.Errorf("the body is not the JSON this endpoint returns (%w)", err)
	}
	if v, ok := out.(validator); ok {
		if err := v.validate(); err != nil {
			return err
		}
	}
	return nil
}

// ErrUnexpectedResponse matches answers that are not what the endpoint
// returns: a success status with a body that is empty, null, not JSON or not
// of the endpoint's JSON shape (a list for an object, a null element, a
// runner without id, a manager without system_id), and a 404 that is not
// GitLab's own JSON answer (an HTML page from a proxy or a maintenance
// page). Such answers never become data and never mean "not found". The
// error is a *ResponseError; for a POST answered 2xx it is wrapped together
// with ErrOutcomeUnknown, because GitLab applied the request but its result
// (the new runner's id and token) is lost.
var ErrUnexpectedResponse = errors.New("gitlab: unexpected response")

// ResponseError describes an answer that is not what the endpoint returns.
type ResponseError struct {
	Method string
	// Route is the endpoint's path template ("/runners/:id/managers").
	Route string
	// Path is the path as sent, escaped, without the query.
	Path        string
	StatusCode  int
	ContentType string
	// Problem says what is wrong with the answer.
	Problem string
	// Snippet is the start of the body, secrets masked, control characters
	// removed.
	Snippet string
}

func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Method, e.Route)
	if e.Path != e.Route {
		fmt.Fprintf(&b, " (%s)", e.Path)
	}
	b.WriteString(": unexpected answer ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	b.WriteString(": " + e.Problem)
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	fmt.Fprintf(&b, "; Content-Type: %s", ct)
	if e.Snippet != "" {
		fmt.Fprintf(&b, "; body starts: %q", e.Snippet)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnexpectedResponse) match.
func (e *ResponseError) Is(target error) bool { return target == ErrUnexpectedResponse }

// IsUnexpectedResponse reports an answer that is not what the endpoint
// returns (see ErrUnexpectedResponse).
func IsUnexpectedResponse(err error) bool { return errors.Is(err, ErrUnexpectedResponse) }

func newResponseError(r request, resp *http.Response, body []byte, problem string) *ResponseError {
	return &ResponseError{
		Method:      r.method,
		Route:       routeTemplate(r.path),
		Path:        r.path,
		StatusCode:  resp.StatusCode,
		ContentType: sanitizeSnippet([]byte(resp.Header.Get("Content-Type")), 100),
		Problem:     problem,
		Snippet:     sanitizeSnippet(body, maxSnippet),
	}
}

const maxSnippet = 120

// isGitLabAnswer reports whether an error answer comes from GitLab's API
// itself rather than from something in front of it. GitLab's API renders
// every error as a JSON object with "message" (error!, not_found!,
// forbidden!) or "error" (Grape validation, OAuth, the catch-all route) in
// lib/api/helpers.rb and lib/api/api.rb, sent as application/json. A body
// without Content-Type is accepted too (net/http reports it as text/plain),
// but never an HTML page: proxies, load balancers and maintenance pages
// answer 404 in HTML.
func isGitLabAnswer(resp *http.Response, body []byte) bool {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return false
		}
		if mt != "application/json" && mt != "text/plain" {
			return false
		}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return false
	}
	for _, k := range []string{"message", "error"} {
		if raw, ok := doc[k]; ok && renderMessage(raw) != "" {
			return true
		}
	}
	return false
}

// routeTemplate turns a path as sent into the endpoint's template, as
// GitLab's API docs name it: "/projects/a%2Fb/runners/7" becomes
// "/projects/:id/runners/:runner_id".
func routeTemplate(p string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i := 1; i < len(segs); i++ {
		prev := segs[i-1]
		switch {
		case prev == "projects" || prev == "groups":
			segs[i] = ":id"
		case (prev == "runners" || prev == "users") && isDigits(segs[i]):
			if i >= 2 && segs[i-2] == ":id" {
				segs[i] = ":runner_id"
			} else {
				segs[i] = ":id"
			}
		}
	}
	return "/" + strings.Join(segs, "/")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// secretFieldPattern masks the value of a secret-looking JSON field in a
// body too broken for redactJSON to parse (a truncated create answer).
var secretFieldPattern = regexp.MustCompile(`(?i)("[a-z_]*(token|password|secret)"\s*:\s*")[^"]*("?)`)

// sanitizeSnippet returns the start of b for an error message: secrets
// masked, control characters and runs of white space turned into one space,
// valid UTF-8, at most n runes.
func sanitizeSnippet(b []byte, n int) string {
	if len(b) > 4*n+64 {
		b = b[:4*n+64]
	}
	s := strings.ToValidUTF8(string(b), "?")
	var masked string
	var probe any
	if json.Unmarshal([]byte(s), &probe) == nil {
		masked = redactJSON([]byte(s))
	} else {
		masked = redactString(secretFieldPattern.ReplaceAllString(s, "${1}***${3}"))
	}
	var out strings.Builder
	space := false
	count := 0
	for _, r := range masked {
		if count >= n {
			out.WriteString("…")
			break
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space && out.Len() > 0 {
				out.WriteByte(' ')
				count++
			}
			space = true
			continue
		}
		space = false
		out.WriteRune(r)
		count++
	}
	return strings.TrimSpace(out.String())
}
