package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func TestUnitRegistrationTokenResetSchema(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewRegistrationTokenResetResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	s := resp.Schema
	if diags := s.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	assertModelMatchesSchema(t, s.Attributes, registrationTokenResetModel{})
	for name, a := range s.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no MarkdownDescription", name)
		}
	}
	for _, want := range []string{"15.6", "17.0", "gitlabci_runner"} {
		if !strings.Contains(s.DeprecationMessage, want) {
			t.Errorf("DeprecationMessage %q does not mention %q", s.DeprecationMessage, want)
		}
	}
	if !s.Attributes["token"].IsSensitive() {
		t.Error("token must be sensitive")
	}
	if _, ok := NewRegistrationTokenResetResource().(resource.ResourceWithImportState); ok {
		t.Error("the resource must not be importable")
	}
}

func TestUnitRegistrationScope(t *testing.T) {
	null := types.StringNull()
	for want, m := range map[string]registrationTokenResetModel{
		"the instance":    {Group: null, Project: null},
		"group g/sub":     {Group: types.StringValue("g/sub"), Project: null},
		"project 42":      {Group: null, Project: types.StringValue("42")},
		"project g/p/sub": {Group: null, Project: types.StringValue("g/p/sub")},
	} {
		if got := registrationScope(m); got != want {
			t.Errorf("registrationScope = %q, want %q", got, want)
		}
	}
}

func TestUnitRegistrationErrorDetail(t *testing.T) {
	admin := true
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/user", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(gitlab.User{ID: 1, Username: "u", IsAdmin: admin})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	r := &registrationTokenResetResource{data: &ProviderData{Client: c, HasToken: true}}
	ctx := context.Background()
	project := registrationTokenResetModel{Group: types.StringNull(), Project: types.StringValue("g/p")}

	gone := &gitlab.APIError{Method: "POST", Path: "/runners/reset_registration_token", StatusCode: 410, Message: "410 Gone - runner registration disallowed"}
	if d := r.registrationErrorDetail(ctx, project, gone); !strings.Contains(d, "Registration tokens are disabled") ||
		!strings.Contains(d, "runner registration disallowed") || !strings.Contains(d, "runner_type") {
		t.Errorf("410 not explained: %q", d)
	}

	forbidden := &gitlab.APIError{Method: "POST", Path: "/projects/g%2Fp/runners/reset_registration_token", StatusCode: 403, Message: "403 Forbidden"}
	// An administrator can reset any token, so a 403 can only mean disabled.
	if d := r.registrationErrorDetail(ctx, project, forbidden); !strings.Contains(d, "Registration tokens are disabled") {
		t.Errorf("403 for an administrator not explained as disabled: %q", d)
	}
	admin = false
	d := r.registrationErrorDetail(ctx, project, forbidden)
	if !strings.Contains(d, "a Maintainer of the project") || !strings.Contains(d, "or registration tokens are disabled for project g/p") {
		t.Errorf("403 for a non-administrator not explained: %q", d)
	}
	group := registrationTokenResetModel{Group: types.StringValue("g"), Project: types.StringNull()}
	if d := r.registrationErrorDetail(ctx, group, forbidden); !strings.Contains(d, "an Owner of the group") {
		t.Errorf("group 403 does not name the Owner role: %q", d)
	}
}
