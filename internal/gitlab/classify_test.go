package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Each classifier recognises the answer GitLab gives (texts from
// lib/api/ci/runners.rb and GitLab's Runners API page) after the client has
// parsed it, and none of the others.
func TestErrorClassifiers(t *testing.T) {
	classifiers := map[string]func(error) bool{
		"IsAlreadyAssigned":          IsAlreadyAssigned,
		"IsGroupRunnerNotAssignable": IsGroupRunnerNotAssignable,
		"IsRunnerLocked":             IsRunnerLocked,
		"IsNoAccessGranted":          IsNoAccessGranted,
		"IsRunnerInOtherProjects":    IsRunnerInOtherProjects,
		"IsInsufficientScope":        IsInsufficientScope,
	}
	cases := []struct {
		name   string
		status int
		body   string
		call   func(context.Context, *Client) error
		want   string // the one classifier that must match; "" for none
	}{
		{"already assigned", 400, `{"message":"Validation failed: Runner projects runner has already been taken"}`, assign, "IsAlreadyAssigned"},
		{"already assigned, wrapped by some releases", 400, `{"message":"Validation failed: Runner projects runner has already been taken - runner_error"}`, assign, "IsAlreadyAssigned"},
		{"group runner", 403, `{"message":"403 Forbidden - Runner is a group runner"}`, assign, "IsGroupRunnerNotAssignable"},
		{"locked", 403, `{"message":"403 Forbidden - Runner is locked"}`, assign, "IsRunnerLocked"},
		{"no access", 403, `{"message":"403 Forbidden - No access granted"}`, assign, "IsNoAccessGranted"},
		{"several projects", 403, `{"message":"403 Forbidden - Runner associated with more than one project"}`, deleteRunner, "IsRunnerInOtherProjects"},
		{"insufficient scope", 403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`, listRunners, "IsInsufficientScope"},
		// The same phrase elsewhere means something else.
		{"group path taken", 400, `{"message":{"path":["has already been taken"]}}`, createGroup, ""},
		{"plain 403", 403, `{"message":"403 Forbidden"}`, assign, ""},
		{"taken but 409", 409, `{"message":"has already been taken"}`, assign, ""},
		{"not found", 404, `{"message":"404 Runner Not Found"}`, deleteRunner, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			err := tc.call(t.Context(), newTestClient(t, testConfig(srv.URL)))
			if err == nil {
				t.Fatal("want an error")
			}
			wrapped := fmt.Errorf("context: %w", err)
			for name, is := range classifiers {
				if got := is(wrapped); got != (name == tc.want) {
					t.Errorf("%s(%v) = %v", name, err, got)
				}
			}
		})
	}
	for name, is := range classifiers {
		if is(nil) || is(errors.New("has already been taken insufficient_scope")) {
			t.Errorf("%s matches an error that is not from GitLab", name)
		}
	}
}

func assign(ctx context.Context, c *Client) error {
	_, err := c.AssignRunnerToProject(ctx, "g/p", 7)
	return err
}

func deleteRunner(ctx context.Context, c *Client) error { return c.DeleteRunner(ctx, 7) }

func listRunners(ctx context.Context, c *Client) error {
	_, err := c.ListRunners(ctx, ListRunnersOptions{})
	return err
}

func createGroup(ctx context.Context, c *Client) error {
	_, err := c.CreateGroup(ctx, CreateGroupOptions{Name: "g", Path: "g"})
	return err
}
