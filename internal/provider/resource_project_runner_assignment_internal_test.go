package provider

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func TestUnitParseAssignmentImportID(t *testing.T) {
	tests := []struct {
		id         string
		project    string
		runner     int64
		errPattern string
	}{
		{id: "group/sub/proj:12", project: "group/sub/proj", runner: 12},
		{id: "12:34", project: "12", runner: 34},
		{id: "user.name/my-project_1:7", project: "user.name/my-project_1", runner: 7},
		{id: "12", errPattern: "<project>:<runner_id>"},
		{id: "", errPattern: "<project>:<runner_id>"},
		{id: ":34", errPattern: "empty"},
		{id: "12:", errPattern: "not a positive number"},
		{id: "12:abc", errPattern: "not a positive number"},
		{id: "12:0", errPattern: "not a positive number"},
		{id: "12:-3", errPattern: "not a positive number"},
		{id: "0:3", errPattern: "must be positive"},
		{id: "proj:3", errPattern: "full path"},
		{id: "group//proj:3", errPattern: "not valid"},
		{id: "/group/proj:3", errPattern: "not valid"},
		{id: "group/proj/:3", errPattern: "not valid"},
		{id: "group/my proj:3", errPattern: "not valid"},
		{id: " group/proj:3", errPattern: "spaces"},
		// The split is at the last colon, so a colon in the project part is
		// left to the project check, which rejects it.
		{id: "a:b/c:3", errPattern: "not valid"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			project, runner, err := parseAssignmentImportID(tc.id)
			if tc.errPattern != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errPattern) {
					t.Fatalf("parseAssignmentImportID(%q) = %q, %d, %v; want an error containing %q", tc.id, project, runner, err, tc.errPattern)
				}
				return
			}
			if err != nil || project != tc.project || runner != tc.runner {
				t.Fatalf("parseAssignmentImportID(%q) = %q, %d, %v; want %q, %d", tc.id, project, runner, err, tc.project, tc.runner)
			}
		})
	}
}

func TestUnitNamespaceRefValidators(t *testing.T) {
	tests := []struct {
		v     validator.String
		value types.String
		ok    bool
	}{
		{projectRefValidator(), types.StringValue("42"), true},
		{projectRefValidator(), types.StringValue("group/project"), true},
		{projectRefValidator(), types.StringValue("g/s/Project.Name-1"), true},
		{projectRefValidator(), types.StringValue("project"), false},
		{projectRefValidator(), types.StringValue("-1"), false},
		{projectRefValidator(), types.StringValue(""), false},
		{projectRefValidator(), types.StringValue("group/"), false},
		{projectRefValidator(), types.StringValue("group%2Fproject"), false},
		{projectRefValidator(), types.StringNull(), true},
		{projectRefValidator(), types.StringUnknown(), true},
		{groupRefValidator(), types.StringValue("group"), true},
		{groupRefValidator(), types.StringValue("group/sub"), true},
		{groupRefValidator(), types.StringValue("7"), true},
		{groupRefValidator(), types.StringValue("0"), false},
		{groupRefValidator(), types.StringValue("group sub"), false},
	}
	for _, tc := range tests {
		req := validator.StringRequest{Path: path.Root("x"), ConfigValue: tc.value}
		var resp validator.StringResponse
		tc.v.ValidateString(context.Background(), req, &resp)
		if got := !resp.Diagnostics.HasError(); got != tc.ok {
			t.Errorf("%s %s: valid = %v, want %v (%v)", tc.v.Description(context.Background()), tc.value, got, tc.ok, resp.Diagnostics)
		}
	}
}

func TestUnitProjectMatches(t *testing.T) {
	p := gitlab.RunnerProject{ID: 12, PathWithNamespace: "Group/Sub/Proj"}
	tests := []struct {
		ref  string
		id   int64
		want bool
	}{
		{"12", 0, true},
		{"13", 0, false},
		{"group/sub/proj", 0, true}, // GitLab paths are case-insensitive
		{"group/sub/other", 0, false},
		{"group/sub/other", 12, true}, // a resolved id wins over the spelling
		{"group/sub/proj", 13, false},
	}
	for _, tc := range tests {
		if got := projectMatches(p, tc.ref, tc.id); got != tc.want {
			t.Errorf("projectMatches(%q, %d) = %v, want %v", tc.ref, tc.id, got, tc.want)
		}
	}

	runner := &gitlab.RunnerDetails{
		Runner:   gitlab.Runner{ID: 1, RunnerType: gitlab.RunnerTypeProject},
		Projects: []gitlab.RunnerProject{{ID: 10, PathWithNamespace: "g/owner"}, p},
	}
	if owner, ok := ownerProject(runner); !ok || owner.ID != 10 {
		t.Errorf("ownerProject = %v, %v; want project 10", owner, ok)
	}
	if got, ok := findRunnerProject(runner, "g/sub/x", 12); !ok || got.ID != 12 {
		t.Errorf("findRunnerProject by id = %v, %v", got, ok)
	}
	if _, ok := findRunnerProject(runner, "g/missing", 0); ok {
		t.Error("findRunnerProject found a project that is not assigned")
	}
	runner.RunnerType = gitlab.RunnerTypeGroup
	if _, ok := ownerProject(runner); ok {
		t.Error("a group runner has no owner project")
	}
}

func TestUnitAssignErrorClassification(t *testing.T) {
	taken := &gitlab.APIError{Method: "POST", Path: "/projects/1/runners", StatusCode: 400,
		Message: "Validation failed: Runner projects runner has already been taken"}
	if !gitlab.IsAlreadyAssigned(taken) || !gitlab.IsAlreadyAssigned(errors.Join(errors.New("wrapped"), taken)) {
		t.Error("already-assigned 400 not recognised")
	}
	other400 := &gitlab.APIError{StatusCode: 400, Message: "runner_id is missing"}
	if gitlab.IsAlreadyAssigned(other400) {
		t.Error("unrelated 400 taken for already assigned")
	}
	if gitlab.IsAlreadyAssigned(&gitlab.APIError{StatusCode: 403, Message: "has already been taken"}) {
		t.Error("a 403 is never 'already assigned'")
	}

	for msg, hint := range map[string]string{
		"403 Forbidden - Runner is a group runner": "Only project runners",
		"403 Forbidden - Runner is locked":         "locked = false",
		"403 Forbidden - No access granted":        "Maintainer of one of the runner's projects",
	} {
		d := assignErrorDetail(&gitlab.APIError{Method: "POST", Path: "/projects/1/runners", StatusCode: 403, Message: msg})
		if !strings.Contains(d, hint) || !strings.Contains(d, strings.TrimPrefix(msg, "403 Forbidden - ")) {
			t.Errorf("assignErrorDetail(%q) = %q; want GitLab's message and %q", msg, d, hint)
		}
	}
}

func TestUnitProjectRunnerAssignmentSchema(t *testing.T) {
	ctx := context.Background()
	r := NewProjectRunnerAssignmentResource().(*projectRunnerAssignmentResource)
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	assertModelMatchesSchema(t, resp.Schema.Attributes, projectRunnerAssignmentModel{})
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no MarkdownDescription", name)
		}
	}

	var idResp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &idResp)
	assertModelMatchesSchema(t, idResp.IdentitySchema.Attributes, projectRunnerAssignmentIdentityModel{})
}

// fakeAssignGitLab answers GET /runners/:id and GET /user like GitLab, for
// the plan-time checks.
func fakeAssignGitLab(t *testing.T, runner gitlab.RunnerDetails, admin bool, userCalls *atomic.Int32) *gitlab.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/runners/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != idString(runner.ID) {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"message":"404 Runner Not Found"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(runner)
	})
	mux.HandleFunc("GET /api/v4/user", func(w http.ResponseWriter, _ *http.Request) {
		userCalls.Add(1)
		_ = json.NewEncoder(w).Encode(gitlab.User{ID: 1, Username: "u", IsAdmin: admin})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// assignmentPlan runs ModifyPlan for a create of project/runner_id.
func assignmentPlan(t *testing.T, r *projectRunnerAssignmentResource, project string, runnerID int64) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	raw := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":         tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"project":    tftypes.NewValue(tftypes.String, project),
		"runner_id":  tftypes.NewValue(tftypes.Number, runnerID),
		"project_id": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
	})
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: sresp.Schema, Raw: raw},
		Plan:   tfsdk.Plan{Schema: sresp.Schema, Raw: raw},
		State:  tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	return resp.Diagnostics
}

func TestUnitProjectRunnerAssignmentPlanChecks(t *testing.T) {
	projectRunner := gitlab.RunnerDetails{
		Runner:   gitlab.Runner{ID: 5, RunnerType: gitlab.RunnerTypeProject},
		Projects: []gitlab.RunnerProject{{ID: 10, PathWithNamespace: "g/owner"}, {ID: 11, PathWithNamespace: "g/other"}},
	}
	locked := projectRunner
	locked.Locked = true
	group := gitlab.RunnerDetails{Runner: gitlab.Runner{ID: 5, RunnerType: gitlab.RunnerTypeGroup}}
	instance := gitlab.RunnerDetails{Runner: gitlab.Runner{ID: 5, RunnerType: gitlab.RunnerTypeInstance}}

	tests := []struct {
		name      string
		runner    gitlab.RunnerDetails
		admin     bool
		project   string
		runnerID  int64
		wantPath  string // attribute of the expected error; "" = no error
		wantText  string
		wantUserQ bool // whether GET /user is expected
	}{
		{name: "fine", runner: projectRunner, admin: true, project: "g/new", runnerID: 5},
		{name: "missing runner", runner: projectRunner, project: "g/new", runnerID: 6, wantPath: "runner_id", wantText: "404"},
		{name: "group runner", runner: group, project: "g/new", runnerID: 5, wantPath: "runner_id", wantText: "group runner"},
		{name: "instance runner", runner: instance, project: "g/new", runnerID: 5, wantPath: "runner_id", wantText: "instance runner"},
		{name: "owner by path", runner: projectRunner, admin: true, project: "G/Owner", runnerID: 5, wantPath: "project", wantText: "owner project", wantUserQ: true},
		{name: "owner by id", runner: projectRunner, admin: true, project: "10", runnerID: 5, wantPath: "project", wantText: "owner project", wantUserQ: true},
		// A non-administrator may not see the owner project, so the first
		// listed project proves nothing: GitLab decides at apply.
		{name: "first listed, non-admin", runner: projectRunner, project: "10", runnerID: 5, wantUserQ: true},
		{name: "already assigned", runner: projectRunner, admin: true, project: "11", runnerID: 5},
		{name: "locked, admin", runner: locked, admin: true, project: "g/new", runnerID: 5, wantUserQ: true},
		{name: "locked, non-admin", runner: locked, project: "g/new", runnerID: 5, wantPath: "runner_id", wantText: "locked", wantUserQ: true},
		{name: "locked, already assigned", runner: locked, project: "g/other", runnerID: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var userCalls atomic.Int32
			r := &projectRunnerAssignmentResource{data: &ProviderData{Client: fakeAssignGitLab(t, tc.runner, tc.admin, &userCalls), HasToken: true}}
			diags := assignmentPlan(t, r, tc.project, tc.runnerID)
			if tc.wantPath == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
			} else {
				if diags.ErrorsCount() != 1 {
					t.Fatalf("want one error on %s, got %v", tc.wantPath, diags)
				}
				d, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
				if !ok || !d.Path().Equal(path.Root(tc.wantPath)) {
					t.Fatalf("error is not on %s: %v", tc.wantPath, diags)
				}
				if !strings.Contains(d.Summary()+d.Detail(), tc.wantText) {
					t.Fatalf("error %q / %q does not mention %q", d.Summary(), d.Detail(), tc.wantText)
				}
			}
			if got := userCalls.Load() > 0; got != tc.wantUserQ {
				t.Errorf("GET /user called: %v, want %v", got, tc.wantUserQ)
			}
		})
	}
}

func TestUnitProjectRunnerAssignmentPlanWithoutClient(t *testing.T) {
	// Before the provider is configured nothing can be looked up; the plan
	// must not fail.
	if diags := assignmentPlan(t, &projectRunnerAssignmentResource{}, "g/p", 5); diags.HasError() {
		t.Fatal(diags)
	}
}

// Every endpoint of the assignment, down to reading the runner, needs a user
// token (GitLab's lib/api/ci/runners.rb authenticates a user for all of
// them): without one, the plan says so instead of failing with a 401 at
// apply, and nothing is sent.
func TestUnitProjectRunnerAssignmentPlanNeedsUserToken(t *testing.T) {
	var userCalls atomic.Int32
	runner := gitlab.RunnerDetails{Runner: gitlab.Runner{ID: 5, RunnerType: gitlab.RunnerTypeGroup}}
	r := &projectRunnerAssignmentResource{data: &ProviderData{Client: fakeAssignGitLab(t, runner, false, &userCalls)}}
	diags := assignmentPlan(t, r, "g/new", 5)
	if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Summary(), "needs a provider token") ||
		!strings.Contains(diags.Errors()[0].Detail(), "POST /projects/:id/runners") {
		t.Fatalf("want one error saying the assignment needs a provider token, got %v", diags)
	}
	if userCalls.Load() != 0 {
		t.Error("GitLab must not be asked anything without a user token")
	}
}

func TestUnitAssignmentSameProject(t *testing.T) {
	var getProject atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		getProject.Add(1)
		switch r.PathValue("id") {
		case "g/renamed":
			_ = json.NewEncoder(w).Encode(gitlab.Project{ID: 12, PathWithNamespace: "g/renamed"})
		case "g/other":
			_ = json.NewEncoder(w).Encode(gitlab.Project{ID: 99, PathWithNamespace: "g/other"})
		default:
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"message":"404 Project Not Found"}`))
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	r := &projectRunnerAssignmentResource{data: &ProviderData{Client: c, HasToken: true}}
	state := projectRunnerAssignmentModel{Project: types.StringValue("g/proj"), ProjectID: types.Int64Value(12), RunnerID: types.Int64Value(5)}
	tests := []struct {
		ref      string
		want     bool
		askedAPI bool
	}{
		{"12", true, false},
		{"13", false, false},
		{"G/PROJ", true, false},
		{"g/renamed", true, true},
		{"g/other", false, true},
		{"g/missing", false, true},
	}
	for _, tc := range tests {
		before := getProject.Load()
		if got := r.sameProject(context.Background(), state, tc.ref); got != tc.want {
			t.Errorf("sameProject(%q) = %v, want %v", tc.ref, got, tc.want)
		}
		if asked := getProject.Load() > before; asked != tc.askedAPI {
			t.Errorf("sameProject(%q) asked GitLab: %v, want %v", tc.ref, asked, tc.askedAPI)
		}
	}
}

func TestUnitAssignmentImportState(t *testing.T) {
	ctx := context.Background()
	r := &projectRunnerAssignmentResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	stateType := sresp.Schema.Type().TerraformType(ctx)
	identityType := iresp.IdentitySchema.Type().TerraformType(ctx)

	importWith := func(id string, identity *tfsdk.ResourceIdentity) (projectRunnerAssignmentModel, diag.Diagnostics) {
		resp := resource.ImportStateResponse{
			State:    tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(stateType, nil)},
			Identity: &tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema, Raw: tftypes.NewValue(identityType, nil)},
		}
		r.ImportState(ctx, resource.ImportStateRequest{ID: id, Identity: identity}, &resp)
		var m projectRunnerAssignmentModel
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
		}
		return m, resp.Diagnostics
	}

	m, diags := importWith("group/sub/proj:12", nil)
	if diags.HasError() {
		t.Fatal(diags)
	}
	// A path is kept as written; Read resolves the id.
	if m.Project.ValueString() != "group/sub/proj" || m.RunnerID.ValueInt64() != 12 || !m.ProjectID.IsNull() || !m.ID.IsNull() {
		t.Errorf("import by path: %+v", m)
	}

	m, diags = importWith("34:12", nil)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Project.ValueString() != "34" || m.ProjectID.ValueInt64() != 34 || m.ID.ValueString() != "34:12" {
		t.Errorf("import by id: %+v", m)
	}

	if _, diags = importWith("nonsense", nil); !diags.HasError() {
		t.Error("a bad import id was accepted")
	}

	identity := &tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema, Raw: tftypes.NewValue(identityType, map[string]tftypes.Value{
		"project_id": tftypes.NewValue(tftypes.Number, 56),
		"runner_id":  tftypes.NewValue(tftypes.Number, 7),
	})}
	m, diags = importWith("", identity)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Project.ValueString() != "56" || m.ProjectID.ValueInt64() != 56 || m.RunnerID.ValueInt64() != 7 || m.ID.ValueString() != "56:7" {
		t.Errorf("import by identity: %+v", m)
	}
}
