package gitlab

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseErrorMessage(t *testing.T) {
	cases := []struct {
		name, body, ct, want string
	}{
		{"string message", `{"message":"404 Runner Not Found"}`, "application/json", "404 Runner Not Found"},
		{"field hash", `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`, "application/json",
			"maximum_timeout needs to be at least 10 minutes"},
		{"several fields, sorted", `{"message":{"tags_list":["Too many tags specified. Please limit the number of tags to 50"],"description":["is too long (maximum is 1024 characters)", "is odd"]}}`, "",
			"description is too long (maximum is 1024 characters), description is odd, tags_list Too many tags specified. Please limit the number of tags to 50"},
		{"base errors are sentences", `{"message":{"base":["Runner must have at least one project"]}}`, "", "Runner must have at least one project"},
		{"message list", `{"message":["one","two"]}`, "", "one, two"},
		{"grape error", `{"error":"access_level does not have a valid value"}`, "", "access_level does not have a valid value"},
		{"oauth error", `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`, "",
			"invalid_token: Token was revoked. You have to re-authorize from the user."},
		{"insufficient scope", `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`, "",
			"insufficient_scope: The request requires higher privileges than provided by the access token.; required scope: api"},
		{"rack attack", "Retry later\n", "text/plain", "Retry later"},
		{"html", "<html><body>502 Bad Gateway</body></html>", "text/html", ""},
		{"empty", "", "", ""},
		{"null message", `{"message":null}`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseErrorMessage([]byte(tc.body), tc.ct); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	cases := []struct {
		e    APIError
		want string
	}{
		{APIError{Method: "PUT", Path: "/runners/12", StatusCode: 400, Message: "maximum_timeout needs to be at least 10 minutes"},
			"PUT /runners/12: 400 Bad Request: maximum_timeout needs to be at least 10 minutes"},
		{APIError{Method: "GET", Path: "/runners/1", StatusCode: 404, Message: "404 Runner Not Found"},
			"GET /runners/1: 404 Not Found: Runner Not Found"},
		{APIError{Method: "GET", Path: "/runners/all", StatusCode: 403, Message: "403 Forbidden"},
			"GET /runners/all: 403 Forbidden"},
		{APIError{Method: "POST", Path: "/projects/g%2Fp/runners", StatusCode: 403, Message: "403 Forbidden - Runner is locked"},
			"POST /projects/g%2Fp/runners: 403 Forbidden: Runner is locked"},
		{APIError{Method: "POST", Path: "/user/runners", StatusCode: 400, Message: "400 Bad request - Missing/invalid group"},
			"POST /user/runners: 400 Bad Request: Missing/invalid group"},
		{APIError{Method: "POST", Path: "/runners", StatusCode: 410, Message: "410 Gone - runner registration disallowed"},
			"POST /runners: 410 Gone: runner registration disallowed"},
		{APIError{Method: "GET", Path: "/user", StatusCode: 401, Message: "401 Unauthorized"},
			"GET /user: 401 Unauthorized"},
		{APIError{Method: "GET", Path: "/runners", StatusCode: 429},
			"GET /runners: 429 Too Many Requests"},
	}
	for _, tc := range cases {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestErrorSentinels(t *testing.T) {
	sentinels := map[int]error{
		400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
		409: ErrConflict, 410: ErrGone, 429: ErrTooManyRequests,
	}
	for code, want := range sentinels {
		err := fmt.Errorf("wrapped: %w", &APIError{Method: "GET", Path: "/x", StatusCode: code})
		for other, s := range sentinels {
			if got := errors.Is(err, s); got != (other == code) {
				t.Errorf("errors.Is(%d, %v) = %v", code, s, got)
			}
		}
		if !errors.Is(err, want) || StatusCode(err) != code {
			t.Errorf("status %d not matched", code)
		}
	}
	if !IsNotFound(&APIError{StatusCode: 404}) || IsNotFound(&APIError{StatusCode: 403}) {
		t.Error("IsNotFound")
	}
	if !IsForbidden(&APIError{StatusCode: 403}) || !IsGone(&APIError{StatusCode: 410}) || !IsUnauthorized(&APIError{StatusCode: 401}) {
		t.Error("Is helpers")
	}
	if StatusCode(errors.New("x")) != 0 || StatusCode(nil) != 0 {
		t.Error("StatusCode of a non-API error must be 0")
	}
	if errors.Is(&APIError{StatusCode: 500}, ErrOutcomeUnknown) {
		t.Error("a bare 5xx is not outcome-unknown; only a POST's")
	}
}

// TestErrorsFromServer checks the whole path: status, GitLab's message, the
// escaped path as sent, and that secrets in the body do not reach Body.
func TestErrorsFromServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.EscapedPath() {
		case "/api/v4/runners/12":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`)
		case "/api/v4/projects/g%2Fp/runners":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"400 Bad request - Validation failed: Runner projects runner has already been taken","token":"glrt-leakedleakedleaked1"}`)
		case "/api/v4/runners":
			w.WriteHeader(http.StatusGone)
			fmt.Fprint(w, `{"message":"410 Gone - runner registration disallowed"}`)
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, testConfig(srv.URL))
	ctx := t.Context()

	_, err := c.UpdateRunner(ctx, 12, UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Some[int64](5)}})
	if err == nil || err.Error() != "PUT /runners/12: 400 Bad Request: maximum_timeout needs to be at least 10 minutes" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, ErrBadRequest) {
		t.Fatal("errors.Is ErrBadRequest")
	}

	_, err = c.AssignRunnerToProject(ctx, "g/p", 3)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Path != "/projects/g%2Fp/runners" || !strings.Contains(ae.Message, "already been taken") {
		t.Fatalf("got %#v", err)
	}
	if strings.Contains(ae.Body, "glrt-leaked") || strings.Contains(err.Error(), "glrt-leaked") {
		t.Fatalf("token leaked into error: %q", ae.Body)
	}

	_, err = c.RegisterRunner(ctx, RegisterRunnerOptions{Token: "GR1348941abc"})
	if !IsGone(err) || err.Error() != "POST /runners: 410 Gone: runner registration disallowed" {
		t.Fatalf("got %v", err)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Fatal("a 4xx answer is a known outcome")
	}
}
