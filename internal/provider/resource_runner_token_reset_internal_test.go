package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func strPtr(s string) *string { return &s }

func TestUnitRotationDue(t *testing.T) {
	now := time.Date(2025, 5, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		expiresAt *string
		before    string
		want      bool
		wantErr   string
	}{
		{name: "never expires", expiresAt: nil, before: "168h", want: false},
		{name: "empty expiry", expiresAt: strPtr(""), before: "168h", want: false},
		{name: "far away", expiresAt: strPtr("2025-06-01T00:00:00Z"), before: "168h", want: false},
		{name: "just outside the window", expiresAt: strPtr("2025-05-10T12:00:01Z"), before: "168h", want: false},
		{name: "exactly at the window edge", expiresAt: strPtr("2025-05-10T12:00:00Z"), before: "168h", want: true},
		{name: "inside the window", expiresAt: strPtr("2025-05-05T00:00:00Z"), before: "168h", want: true},
		{name: "already expired", expiresAt: strPtr("2025-05-01T00:00:00Z"), before: "1h", want: true},
		{name: "zero window, not expired", expiresAt: strPtr("2025-05-03T12:00:01Z"), before: "0s", want: false},
		{name: "zero window, expired now", expiresAt: strPtr("2025-05-03T12:00:00Z"), before: "0s", want: true},
		{name: "other offset", expiresAt: strPtr("2025-05-03T14:30:00+02:00"), before: "1h", want: true},
		{name: "bad window", expiresAt: strPtr("2025-05-05T00:00:00Z"), before: "7d", wantErr: "not a duration"},
		{name: "negative window", expiresAt: strPtr("2025-05-05T00:00:00Z"), before: "-1h", wantErr: "negative"},
		{name: "bad stored expiry", expiresAt: strPtr("tomorrow"), before: "1h", wantErr: "RFC 3339"},
		// The window is validated even when there is nothing to compare it with.
		{name: "bad window, never expires", expiresAt: nil, before: "soon", wantErr: "not a duration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rotationDue(tc.expiresAt, tc.before, now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("rotationDue = %v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("rotationDue = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestUnitRotateBeforeValidator(t *testing.T) {
	for value, ok := range map[string]bool{
		"168h": true, "36h30m": true, "90m": true, "0s": true, " 2h ": true,
		"7d": false, "1 week": false, "": false, "-5m": false, "168": false,
	} {
		var resp validator.StringResponse
		rotateBeforeValidator{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("rotate_before"), ConfigValue: types.StringValue(value)}, &resp)
		if got := !resp.Diagnostics.HasError(); got != ok {
			t.Errorf("rotate_before %q: valid = %v, want %v (%v)", value, got, ok, resp.Diagnostics)
		}
	}
	var resp validator.StringResponse
	rotateBeforeValidator{}.ValidateString(context.Background(),
		validator.StringRequest{Path: path.Root("rotate_before"), ConfigValue: types.StringUnknown()}, &resp)
	if resp.Diagnostics.HasError() {
		t.Error("an unknown rotate_before must not be rejected")
	}
}

func TestUnitTokenRotatedElsewhere(t *testing.T) {
	issued := time.Date(2025, 5, 10, 0, 0, 0, 123_000_000, time.UTC)
	stored := timeValueOrNull(&issued).ValueStringPointer()
	other := issued.Add(48 * time.Hour)
	tests := []struct {
		name    string
		stored  *string
		current *time.Time
		want    bool
	}{
		{"same token (state keeps GitLab's milliseconds)", stored, &issued, false},
		{"another token in the same second", stored, ptrTime(issued.Add(time.Millisecond)), true},
		{"rotated elsewhere", stored, &other, true},
		{"GitLab does not return the expiry", stored, nil, false},
		{"token never expired", nil, &issued, false},
		{"unparsable state", strPtr("garbage"), &issued, false},
	}
	for _, tc := range tests {
		if got := tokenRotatedElsewhere(tc.stored, tc.current); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestUnitResetTokenErrorDetail(t *testing.T) {
	forbidden := &gitlab.APIError{Method: "POST", Path: "/runners/reset_authentication_token", StatusCode: 403, Message: "403 Forbidden"}
	if d := resetTokenErrorDetail(forbidden, true); !strings.Contains(d, "already been rotated") || !strings.Contains(d, "403") {
		t.Errorf("by-token 403 not explained: %q", d)
	}
	notFound := &gitlab.APIError{Method: "POST", Path: "/runners/9/reset_authentication_token", StatusCode: 404, Message: "404 Runner Not Found"}
	if d := resetTokenErrorDetail(notFound, false); !strings.Contains(d, "Runner Not Found") || !strings.Contains(d, "runner_id") {
		t.Errorf("404 not explained: %q", d)
	}
	if d := resetTokenErrorDetail(forbidden, false); strings.Contains(d, "already been rotated") {
		t.Errorf("by-id 403 explained as a token problem: %q", d)
	}
	lost := errors.Join(gitlab.ErrOutcomeUnknown, errors.New("connection reset"))
	if d := resetTokenErrorDetail(lost, false); !strings.Contains(d, "apply again") {
		t.Errorf("unknown outcome not explained: %q", d)
	}
}

func tokenResetSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	NewRunnerTokenResetResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

func TestUnitRunnerTokenResetSchema(t *testing.T) {
	s := tokenResetSchema(t)
	if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	assertModelMatchesSchema(t, s.Attributes, runnerTokenResetModel{})
	for name, a := range s.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no MarkdownDescription", name)
		}
	}
	if !s.Attributes["token_wo"].IsWriteOnly() || !s.Attributes["token_wo"].IsSensitive() {
		t.Error("token_wo must be write-only and sensitive")
	}
	for _, name := range []string{"token", "current_token"} {
		if !s.Attributes[name].IsSensitive() {
			t.Errorf("%s must be sensitive", name)
		}
	}
	if !strings.Contains(s.MarkdownDescription, "cannot be\nimported") && !strings.Contains(s.MarkdownDescription, "cannot be imported") {
		t.Error("the description must say the resource cannot be imported")
	}
	if _, ok := NewRunnerTokenResetResource().(resource.ResourceWithImportState); ok {
		t.Error("the resource must not be importable: GitLab never returns a token")
	}
}

// tokenResetPlan runs ModifyPlan for an update from a stored state with the
// given expiry to a configuration with rotate_before.
func tokenResetPlan(t *testing.T, r *runnerTokenResetResource, expiresAt *string, rotateBefore string) resource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	s := tokenResetSchema(t)
	typ := s.Type().TerraformType(ctx)
	str := func(v *string) tftypes.Value {
		if v == nil {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, *v)
	}
	obj := func(rb string) tftypes.Value {
		return tftypes.NewValue(typ, map[string]tftypes.Value{
			"runner_id":        tftypes.NewValue(tftypes.Number, 5),
			"token_wo":         tftypes.NewValue(tftypes.String, nil),
			"token_wo_version": tftypes.NewValue(tftypes.Number, nil),
			"current_token":    tftypes.NewValue(tftypes.String, nil),
			"triggers":         tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
			"rotate_before":    str(&rb),
			"token":            tftypes.NewValue(tftypes.String, "glrt-old"),
			"token_expires_at": str(expiresAt),
		})
	}
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s, Raw: obj(rotateBefore)},
		Plan:   tfsdk.Plan{Schema: s, Raw: obj(rotateBefore)},
		State:  tfsdk.State{Schema: s, Raw: obj(rotateBefore)},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	return resp
}

func TestUnitRunnerTokenResetPlansRotation(t *testing.T) {
	// Expiry is judged by the provider's clock; nothing is sent to GitLab.
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: "http://unit-test.invalid", Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 5, 3, 12, 0, 0, 0, time.UTC)
	r := &runnerTokenResetResource{data: &ProviderData{Client: c, HasToken: true, Now: func() time.Time { return now }}}

	resp := tokenResetPlan(t, r, strPtr("2025-05-05T00:00:00Z"), "168h")
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if len(resp.RequiresReplace) != 1 || !resp.RequiresReplace[0].Equal(path.Root("token_expires_at")) {
		t.Fatalf("RequiresReplace = %v, want token_expires_at", resp.RequiresReplace)
	}
	var planned runnerTokenResetModel
	resp.Diagnostics.Append(resp.Plan.Get(context.Background(), &planned)...)
	if !planned.Token.IsUnknown() || !planned.TokenExpiresAt.IsUnknown() {
		t.Fatalf("a rotation must plan an unknown token and expiry, got %v / %v", planned.Token, planned.TokenExpiresAt)
	}

	for name, exp := range map[string]*string{"far expiry": strPtr("2025-06-01T00:00:00Z"), "never expires": nil} {
		resp := tokenResetPlan(t, r, exp, "168h")
		if resp.Diagnostics.HasError() || len(resp.RequiresReplace) != 0 {
			t.Errorf("%s: unexpected rotation or error: %v %v", name, resp.RequiresReplace, resp.Diagnostics)
		}
		var planned runnerTokenResetModel
		resp.Diagnostics.Append(resp.Plan.Get(context.Background(), &planned)...)
		if planned.Token.ValueString() != "glrt-old" {
			t.Errorf("%s: the token must stay known in the plan, got %v", name, planned.Token)
		}
	}
}

func TestUnitRunnerTokenResetNeedsUserTokenForRunnerID(t *testing.T) {
	ctx := context.Background()
	s := tokenResetSchema(t)
	typ := s.Type().TerraformType(ctx)
	raw := tftypes.NewValue(typ, map[string]tftypes.Value{
		"runner_id":        tftypes.NewValue(tftypes.Number, 5),
		"token_wo":         tftypes.NewValue(tftypes.String, nil),
		"token_wo_version": tftypes.NewValue(tftypes.Number, nil),
		"current_token":    tftypes.NewValue(tftypes.String, nil),
		"triggers":         tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
		"rotate_before":    tftypes.NewValue(tftypes.String, nil),
		"token":            tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"token_expires_at": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s, Raw: raw},
		Plan:   tfsdk.Plan{Schema: s, Raw: raw},
		State:  tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)},
	}
	for _, tc := range []struct {
		r       *runnerTokenResetResource
		wantErr bool
	}{
		{&runnerTokenResetResource{data: &ProviderData{HasToken: false}}, true},
		{&runnerTokenResetResource{data: &ProviderData{HasToken: true}}, false},
		{&runnerTokenResetResource{}, false},
	} {
		resp := resource.ModifyPlanResponse{Plan: req.Plan}
		tc.r.ModifyPlan(ctx, req, &resp)
		if resp.Diagnostics.HasError() != tc.wantErr {
			t.Errorf("provider data %+v: error = %v, want %v", tc.r.data, resp.Diagnostics, tc.wantErr)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
