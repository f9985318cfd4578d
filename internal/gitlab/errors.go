package gitlab

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-2xx answer from GitLab.
type APIError struct {
	Method string
	// Path is relative to the API root, escaped as sent, without the query
	// ("/projects/group%2Fproject/runners").
	Path       string
	StatusCode int
	// Message is GitLab's own message rendered readably: the string of
	// {"message": "..."}, "field message" pairs of {"message": {field: [...]}},
	// or error and error_description of {"error": ...}. Empty when the body
	// carried none.
	Message string
	// Body is the raw response body (truncated), secrets removed.
	Body string
	// RetryAfter is what Retry-After / RateLimit-Reset asked for on a 429 or
	// 503, uncapped; 0 when absent.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if d := e.detail(); d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	}
	return b.String()
}

// detail drops the "404 " / "403 Forbidden - " prefixes GitLab repeats in its
// messages so Error() does not say the status twice.
func (e *APIError) detail() string {
	m := strings.TrimSpace(e.Message)
	code := strconv.Itoa(e.StatusCode)
	if rest, ok := strings.CutPrefix(m, code); ok && (rest == "" || rest[0] == ' ') {
		rest = strings.TrimSpace(rest)
		if t := http.StatusText(e.StatusCode); t != "" && len(rest) >= len(t) && strings.EqualFold(rest[:len(t)], t) {
			rest = strings.TrimSpace(rest[len(t):])
		}
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "-"))
		return rest
	}
	return m
}

// Is makes errors.Is(err, ErrNotFound) and friends match by status code.
func (e *APIError) Is(target error) bool {
	code, ok := sentinelStatus[target]
	return ok && code == e.StatusCode
}

// Sentinels for errors.Is; they match an *APIError with that status.
var (
	ErrBadRequest      = errors.New("gitlab: bad request")
	ErrUnauthorized    = errors.New("gitlab: unauthorized")
	ErrForbidden       = errors.New("gitlab: forbidden")
	ErrNotFound        = errors.New("gitlab: not found")
	ErrConflict        = errors.New("gitlab: conflict")
	ErrGone            = errors.New("gitlab: gone")
	ErrTooManyRequests = errors.New("gitlab: too many requests")
)

var sentinelStatus = map[error]int{
	ErrBadRequest:      http.StatusBadRequest,
	ErrUnauthorized:    http.StatusUnauthorized,
	ErrForbidden:       http.StatusForbidden,
	ErrNotFound:        http.StatusNotFound,
	ErrConflict:        http.StatusConflict,
	ErrGone:            http.StatusGone,
	ErrTooManyRequests: http.StatusTooManyRequests,
}

// ErrOutcomeUnknown marks a non-idempotent request (POST) that may or may not
// have been applied: the connection broke after the request was written, the
// attempt timed out, or GitLab answered 5xx. Such requests are never retried;
// the caller must look for what the request may have created.
var ErrOutcomeUnknown = errors.New("gitlab: outcome of the request is unknown")

type outcomeUnknownError struct {
	method, path string
	cause        error
	// applied: GitLab answered 2xx, so the request was applied, but what it
	// created cannot be read from the answer.
	applied bool
}

func (e *outcomeUnknownError) Error() string {
	if e.applied {
		return fmt.Sprintf("%s %s: outcome unknown, not retried (GitLab applied the request but its answer cannot be used): %v", e.method, e.path, e.cause)
	}
	return fmt.Sprintf("%s %s: outcome unknown, not retried (the request may have been applied): %v", e.method, e.path, e.cause)
}

// Unwrap exposes both ErrOutcomeUnknown and the cause (an *APIError for a
// 5xx, a transport or context error otherwise) to errors.Is and errors.As.
func (e *outcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.cause} }

// ErrRetryWaitTooLong matches a 429 or 503 whose Retry-After (or
// RateLimit-Reset) asked for a longer wait than Config.MaxRetryWait: the
// call fails at once instead of sleeping. The *APIError with GitLab's
// status, message and RetryAfter is in the chain.
var ErrRetryWaitTooLong = errors.New("gitlab: GitLab asked to wait longer than the client waits")

type retryWaitError struct {
	apiErr      *APIError
	wait, limit time.Duration
}

func (e *retryWaitError) Error() string {
	return fmt.Sprintf("%v (not retried: GitLab's Retry-After or RateLimit-Reset asks to wait %s, longer than max_retry_wait %s)", e.apiErr, e.wait.Round(time.Second), e.limit)
}

func (e *retryWaitError) Unwrap() []error { return []error{ErrRetryWaitTooLong, e.apiErr} }

// IsNotFound reports GitLab's own 404 (a JSON message such as
// {"message":"404 Runner Not Found"}); a 404 page from anything in front of
// GitLab is an ErrUnexpectedResponse instead.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }

// IsGone reports a 410 (e.g. registration tokens disabled).
func IsGone(err error) bool { return errors.Is(err, ErrGone) }

// IsUnauthorized reports a 401.
func IsUnauthorized(err error) bool { return errors.Is(err, ErrUnauthorized) }

// IsOutcomeUnknown reports a POST that may have been applied.
func IsOutcomeUnknown(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }

// The refusals below are told apart only by GitLab's wording, so each
// phrase is matched here, once, and callers ask by meaning. The texts come
// from lib/api/ci/runners.rb (forbidden! and render_validation_error!) and
// lib/api/helpers.rb's insufficient_scope answer; matching is on the core
// phrase, case-insensitive, because some releases prefix "403 Forbidden - "
// or wrap the validation message ("... - runner_error").

// IsAlreadyAssigned reports GitLab's answer to assigning a runner to a
// project it is already assigned to:
// 400 "Validation failed: Runner projects runner has already been taken"
// from POST /projects/:id/runners.
func IsAlreadyAssigned(err error) bool {
	ae := apiErrorWith(err, http.StatusBadRequest, "has already been taken")
	return ae != nil && ae.Method == http.MethodPost && isProjectRunnersPath(ae.Path)
}

// IsGroupRunnerNotAssignable reports 403 "Runner is a group runner": only
// project runners can be assigned to projects (POST /projects/:id/runners).
func IsGroupRunnerNotAssignable(err error) bool {
	return apiErrorWith(err, http.StatusForbidden, "runner is a group runner") != nil
}

// IsRunnerLocked reports 403 "Runner is locked": a locked runner can be
// assigned to further projects by an administrator only
// (POST /projects/:id/runners).
func IsRunnerLocked(err error) bool {
	return apiErrorWith(err, http.StatusForbidden, "runner is locked") != nil
}

// IsNoAccessGranted reports 403 "No access granted": the user lacks the
// role the runner policy asks for (app/policies/ci/runner_policy.rb), e.g.
// Maintainer of one of the runner's projects to assign it elsewhere.
func IsNoAccessGranted(err error) bool {
	return apiErrorWith(err, http.StatusForbidden, "no access granted") != nil
}

// IsRunnerInOtherProjects reports 403 "Runner associated with more than one
// project": only an administrator can delete a project runner that is still
// assigned to several projects (DELETE /runners/:id).
func IsRunnerInOtherProjects(err error) bool {
	return apiErrorWith(err, http.StatusForbidden, "associated with more than one project") != nil
}

// IsInsufficientScope reports a 403 for a token whose scopes do not cover
// the endpoint ({"error": "insufficient_scope", ...}); it says nothing about
// the user's role.
func IsInsufficientScope(err error) bool {
	return apiErrorWith(err, http.StatusForbidden, "insufficient_scope") != nil
}

// apiErrorWith returns the *APIError in err's chain when it has status code
// and its message contains phrase (lower case), else nil.
func apiErrorWith(err error, code int, phrase string) *APIError {
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != code || !strings.Contains(strings.ToLower(ae.Message), phrase) {
		return nil
	}
	return ae
}

// isProjectRunnersPath matches "/projects/:id/runners" (id escaped as one
// segment).
func isProjectRunnersPath(p string) bool {
	rest, ok := strings.CutPrefix(p, "/projects/")
	if !ok {
		return false
	}
	id, ok := strings.CutSuffix(rest, "/runners")
	return ok && id != "" && !strings.Contains(id, "/")
}

// StatusCode returns the HTTP status of an *APIError in err's chain, else 0.
func StatusCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

const maxErrorBody = 4 << 10

// parseErrorMessage renders the error bodies GitLab sends:
//
//	{"message": "404 Runner Not Found"}
//	{"message": {"maximum_timeout": ["needs to be at least 10 minutes"]}}
//	{"message": ["..."]}
//	{"error": "access_level does not have a valid value"}
//	{"error": "insufficient_scope", "error_description": "...", "scope": "api"}
//
// and falls back to a short plain-text body (Rack::Attack's "Retry later").
func parseErrorMessage(body []byte, contentType string) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err == nil {
		var parts []string
		if raw, ok := doc["message"]; ok {
			if m := renderMessage(raw); m != "" {
				parts = append(parts, m)
			}
		}
		if raw, ok := doc["error"]; ok {
			e := renderMessage(raw)
			var desc string
			if d, ok := doc["error_description"]; ok {
				desc = renderMessage(d)
			}
			switch {
			case e != "" && desc != "":
				parts = append(parts, e+": "+desc)
			case e != "":
				parts = append(parts, e)
			case desc != "":
				parts = append(parts, desc)
			}
			if s, ok := doc["scope"]; ok {
				if sc := renderMessage(s); sc != "" {
					parts = append(parts, "required scope: "+sc)
				}
			}
		}
		return strings.Join(parts, "; ")
	}
	// HTML error pages from proxies say nothing useful in a terminal.
	if strings.Contains(contentType, "html") || strings.HasPrefix(trimmed, "<") {
		return ""
	}
	if len(trimmed) > 200 {
		trimmed = trimmed[:200] + "…"
	}
	return trimmed
}

func renderMessage(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		var out []string
		for _, item := range list {
			if m := renderMessage(item); m != "" {
				out = append(out, m)
			}
		}
		return strings.Join(out, ", ")
	}
	var hash map[string]json.RawMessage
	if err := json.Unmarshal(raw, &hash); err == nil {
		keys := make([]string, 0, len(hash))
		for k := range hash {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			var msgs []string
			var one string
			if err := json.Unmarshal(hash[k], &msgs); err != nil {
				if err := json.Unmarshal(hash[k], &one); err == nil {
					msgs = []string{one}
				} else if m := renderMessage(hash[k]); m != "" {
					msgs = []string{m}
				}
			}
			for _, m := range msgs {
				m = strings.TrimSpace(m)
				if m == "" {
					continue
				}
				// ActiveRecord's :base errors are whole sentences.
				if k == "base" {
					out = append(out, m)
				} else {
					out = append(out, k+" "+m)
				}
			}
		}
		return strings.Join(out, ", ")
	}
	if string(raw) == "null" {
		return ""
	}
	return strings.TrimSpace(string(raw))
}
