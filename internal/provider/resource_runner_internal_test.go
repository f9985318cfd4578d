package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func TestUnitRunnerResourceSchemaParity(t *testing.T) {
	s := runnerResourceSchema()
	assertModelMatchesSchema(t, s.Attributes, runnerModel{})
	if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema is invalid: %v", diags)
	}
	for name, a := range s.Attributes {
		if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
			t.Errorf("attribute %q has no MarkdownDescription", name)
		}
	}

	var resp resource.IdentitySchemaResponse
	(&runnerResource{}).IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	assertModelMatchesSchema(t, resp.IdentitySchema.Attributes, runnerIdentityModel{})
}

func TestUnitRunnerResourceSensitiveAndWriteOnly(t *testing.T) {
	s := runnerResourceSchema()
	for _, name := range []string{"token", "registration_token", "registration_token_wo"} {
		if !s.Attributes[name].IsSensitive() {
			t.Errorf("%s must be sensitive", name)
		}
	}
	if !s.Attributes["registration_token_wo"].IsWriteOnly() {
		t.Error("registration_token_wo must be write-only")
	}
	if s.Attributes["registration_token"].IsWriteOnly() {
		t.Error("registration_token is the legacy attribute for CLIs without write-only support")
	}
}

// runnerCfg is a valid project runner configuration to start test cases from.
func runnerCfg() runnerModel {
	return runnerModel{
		RunnerType:                 types.StringValue(gitlab.RunnerTypeProject),
		GroupID:                    types.Int64Null(),
		ProjectID:                  types.Int64Value(7),
		RegistrationToken:          types.StringNull(),
		RegistrationTokenWO:        types.StringNull(),
		RegistrationTokenWOVersion: types.Int64Null(),
		RunUntagged:                types.BoolNull(),
		TagList:                    types.SetNull(types.StringType),
	}
}

func runnerDiagPaths(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, wp.Path().String()+": "+d.Summary())
		} else {
			out = append(out, d.Summary())
		}
	}
	return out
}

func runnerTestTags(tags ...string) types.Set {
	vals := make([]attr.Value, len(tags))
	for i, t := range tags {
		vals[i] = types.StringValue(t)
	}
	return types.SetValueMust(types.StringType, vals)
}

func TestUnitRunnerValidateConfig(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*runnerModel)
		want   []string // "path: summary" of each expected error, in order
	}{
		{"valid project runner", func(*runnerModel) {}, nil},
		{"valid group runner", func(m *runnerModel) {
			m.RunnerType, m.GroupID, m.ProjectID = types.StringValue(gitlab.RunnerTypeGroup), types.Int64Value(3), types.Int64Null()
		}, nil},
		{"valid instance runner", func(m *runnerModel) {
			m.RunnerType, m.ProjectID = types.StringValue(gitlab.RunnerTypeInstance), types.Int64Null()
		}, nil},
		{"missing runner_type", func(m *runnerModel) { m.RunnerType = types.StringNull() },
			[]string{"runner_type: Missing runner_type"}},
		{"project runner without project_id", func(m *runnerModel) { m.ProjectID = types.Int64Null() },
			[]string{"project_id: Missing project_id"}},
		{"project runner with group_id", func(m *runnerModel) { m.GroupID = types.Int64Value(3) },
			[]string{"group_id: Unexpected group_id"}},
		{"group runner with project_id and no group_id", func(m *runnerModel) {
			m.RunnerType = types.StringValue(gitlab.RunnerTypeGroup)
		}, []string{"group_id: Missing group_id", "project_id: Unexpected project_id"}},
		{"instance runner with ids", func(m *runnerModel) {
			m.RunnerType, m.GroupID = types.StringValue(gitlab.RunnerTypeInstance), types.Int64Value(3)
		}, []string{"group_id: Unexpected group_id", "project_id: Unexpected project_id"}},
		{"unknown runner_type defers the scope check", func(m *runnerModel) {
			m.RunnerType, m.GroupID = types.StringUnknown(), types.Int64Value(3)
		}, nil},
		{"unknown project_id counts as set", func(m *runnerModel) { m.ProjectID = types.Int64Unknown() }, nil},
		{"registration token with scope attributes", func(m *runnerModel) {
			m.RegistrationToken = types.StringValue("GR1348941abc")
		}, []string{"runner_type: Conflicting runner scope", "project_id: Conflicting runner scope"}},
		{"write-only registration token alone", func(m *runnerModel) {
			m.RunnerType, m.ProjectID = types.StringNull(), types.Int64Null()
			m.RegistrationTokenWO = types.StringValue("GR1348941abc")
		}, nil},
		{"unknown registration token alone", func(m *runnerModel) {
			m.RunnerType, m.ProjectID = types.StringNull(), types.Int64Null()
			m.RegistrationToken = types.StringUnknown()
		}, nil},
		{"run_untagged false without tags", func(m *runnerModel) { m.RunUntagged = types.BoolValue(false) },
			[]string{"tag_list: Tags required"}},
		{"run_untagged false with empty tags", func(m *runnerModel) {
			m.RunUntagged, m.TagList = types.BoolValue(false), runnerTestTags()
		}, []string{"tag_list: Tags required"}},
		{"run_untagged false with tags", func(m *runnerModel) {
			m.RunUntagged, m.TagList = types.BoolValue(false), runnerTestTags("docker")
		}, nil},
		{"run_untagged false with unknown tags", func(m *runnerModel) {
			m.RunUntagged, m.TagList = types.BoolValue(false), types.SetUnknown(types.StringType)
		}, nil},
		{"unknown run_untagged", func(m *runnerModel) { m.RunUntagged = types.BoolUnknown() }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := runnerCfg()
			tc.mutate(&m)
			var diags diag.Diagnostics
			validateRunnerConfig(m, &diags)
			got := runnerDiagPaths(diags)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("errors = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnitRunnerTagValidator(t *testing.T) {
	cases := map[string]string{
		"docker":     "",
		"linux-x64":  "",
		"with space": "",
		"日本語":        "",
		"":           "empty",
		"   ":        "empty",
		"a,b":        "comma",
		" docker":    "whitespace",
		"docker\t":   "whitespace",
	}
	for tag, want := range cases {
		resp := &validator.StringResponse{}
		runnerTagValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("tag_list"), ConfigValue: types.StringValue(tag),
		}, resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("tag %q rejected: %v", tag, resp.Diagnostics)
		case want != "" && !resp.Diagnostics.HasError():
			t.Errorf("tag %q accepted, want an error about %s", tag, want)
		case want != "" && !strings.Contains(resp.Diagnostics[0].Detail(), want):
			t.Errorf("tag %q: detail %q does not mention %s", tag, resp.Diagnostics[0].Detail(), want)
		}
	}
}

// GitLab's length validations count characters, not bytes: 1024
// two-byte characters are a valid description.
func TestUnitRunnerTextLimitsCountCharacters(t *testing.T) {
	attrs := runnerResourceSchema().Attributes
	for _, name := range []string{"description", "maintenance_note"} {
		validators := attrs[name].(schema.StringAttribute).Validators
		for s, ok := range map[string]bool{
			strings.Repeat("é", runnerMaxTextLength): true, strings.Repeat("é", runnerMaxTextLength+1): false,
			strings.Repeat("x", runnerMaxTextLength+1): false,
		} {
			resp := &validator.StringResponse{}
			for _, v := range validators {
				v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(name), ConfigValue: types.StringValue(s)}, resp)
			}
			if resp.Diagnostics.HasError() == ok {
				t.Errorf("%s of %d bytes: error = %v, want ok = %v", name, len(s), resp.Diagnostics.HasError(), ok)
			}
		}
	}
}

func TestUnitParseRunnerID(t *testing.T) {
	for s, want := range map[string]int64{"42": 42, " 7 ": 7, "0": 0, "-3": 0, "abc": 0, "": 0, "12x": 0} {
		var diags diag.Diagnostics
		got, ok := parseRunnerID(s, path.Root("id"), &diags)
		if ok != (want != 0) || got != want {
			t.Errorf("parseRunnerID(%q) = %d, %v; want %d", s, got, ok, want)
		}
		if !ok && !strings.Contains(diags[0].Detail(), "not a runner id") {
			t.Errorf("parseRunnerID(%q): unclear error %q", s, diags[0].Detail())
		}
	}
}

func runnerPtr[T any](v T) *T { return &v }

func TestUnitRunnerModelFromAPI(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2025, 5, 3, 10, 0, 0, 123e6, time.UTC)
	details := &gitlab.RunnerDetails{
		Runner: gitlab.Runner{
			ID: 12, Description: "build", Paused: true, IsShared: false, RunnerType: gitlab.RunnerTypeProject,
			CreatedAt: &created,
		},
		TagList:     []string{"zeta", "alpha"},
		RunUntagged: false, Locked: true, MaximumTimeout: runnerPtr(int64(3600)),
		AccessLevel: gitlab.AccessLevelRefProtected,
		// The owner project comes first; 99 is an assignment.
		Projects: []gitlab.RunnerProject{{ID: 5}, {ID: 99}},
	}
	prior := runnerModel{
		Token:                      types.StringValue("glrt-secret"),
		TokenExpiresAt:             types.StringValue("2030-01-01T00:00:00Z"),
		RegistrationToken:          types.StringNull(),
		RegistrationTokenWOVersion: types.Int64Value(2),
		RegistrationTokenWO:        types.StringValue("must never reach state"),
		MaintenanceNote:            types.StringNull(),
	}
	m, diags := runnerModelFromAPI(ctx, details, prior)
	if diags.HasError() {
		t.Fatal(diags)
	}
	checks := map[string][2]attr.Value{
		"id":                  {m.ID, types.StringValue("12")},
		"runner_type":         {m.RunnerType, types.StringValue("project_type")},
		"project_id":          {m.ProjectID, types.Int64Value(5)},
		"group_id":            {m.GroupID, types.Int64Null()},
		"description":         {m.Description, types.StringValue("build")},
		"paused":              {m.Paused, types.BoolValue(true)},
		"locked":              {m.Locked, types.BoolValue(true)},
		"run_untagged":        {m.RunUntagged, types.BoolValue(false)},
		"tag_list":            {m.TagList, runnerTestTags("alpha", "zeta")},
		"access_level":        {m.AccessLevel, types.StringValue("ref_protected")},
		"maximum_timeout":     {m.MaximumTimeout, types.Int64Value(3600)},
		"maintenance_note":    {m.MaintenanceNote, types.StringValue("")},
		"token":               {m.Token, types.StringValue("glrt-secret")},
		"token_expires_at":    {m.TokenExpiresAt, types.StringValue("2030-01-01T00:00:00Z")},
		"is_shared":           {m.IsShared, types.BoolValue(false)},
		"created_at":          {m.CreatedAt, types.StringValue("2025-05-03T10:00:00.123Z")},
		"wo_version":          {m.RegistrationTokenWOVersion, types.Int64Value(2)},
		"registration_wo":     {m.RegistrationTokenWO, types.StringNull()},
		"registration_legacy": {m.RegistrationToken, types.StringNull()},
	}
	for name, c := range checks {
		if !c[0].Equal(c[1]) {
			t.Errorf("%s = %s, want %s", name, c[0], c[1])
		}
	}

	// Group runner; GitLab's token_expires_at (late 18.x) wins over state;
	// an imported runner has no token.
	exp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	group := &gitlab.RunnerDetails{
		Runner:         gitlab.Runner{ID: 3, RunnerType: gitlab.RunnerTypeGroup},
		Groups:         []gitlab.RunnerGroup{{ID: 8}},
		TokenExpiresAt: &exp,
	}
	m, _ = runnerModelFromAPI(ctx, group, runnerModel{Token: types.StringNull(), TokenExpiresAt: types.StringNull()})
	if !m.GroupID.Equal(types.Int64Value(8)) || !m.ProjectID.IsNull() || !m.Token.IsNull() ||
		m.TokenExpiresAt.ValueString() != "2026-01-02T03:04:05.000Z" || !m.MaximumTimeout.IsNull() {
		t.Errorf("group runner: %+v", m)
	}
	if m.TagList.IsNull() || len(m.TagList.Elements()) != 0 {
		t.Errorf("no tags must be an empty set, got %s", m.TagList)
	}
	// Unknown prior token (create path) never reaches state.
	m, _ = runnerModelFromAPI(ctx, group, runnerModel{Token: types.StringUnknown(), TokenExpiresAt: types.StringUnknown()})
	if !m.Token.IsNull() {
		t.Errorf("unknown token must become null, got %s", m.Token)
	}
}

// TestUnitRunnerMaintenanceNote: GitLab's null and "" are both "", and a
// blank value GitLab did not store (create drops blanks) stays as planned.
func TestUnitRunnerMaintenanceNote(t *testing.T) {
	empty, note, space := runnerPtr(""), runnerPtr("disk full"), runnerPtr(" ")
	cases := []struct {
		api   *string
		prior types.String
		want  types.String
	}{
		{nil, types.StringNull(), types.StringValue("")},
		{nil, types.StringValue(""), types.StringValue("")},
		{empty, types.StringNull(), types.StringValue("")},
		{empty, types.StringValue(""), types.StringValue("")},
		{nil, types.StringUnknown(), types.StringValue("")},
		{note, types.StringNull(), types.StringValue("disk full")},
		{note, types.StringValue(""), types.StringValue("disk full")},
		{note, types.StringValue(" "), types.StringValue("disk full")},
		{nil, types.StringValue("old"), types.StringValue("")},
		{nil, types.StringValue("  "), types.StringValue("  ")},
		{space, types.StringValue(""), types.StringValue("")},
		{space, types.StringNull(), types.StringValue(" ")},
	}
	for i, c := range cases {
		if got := runnerMaintenanceNote(c.api, c.prior); !got.Equal(c.want) {
			t.Errorf("case %d: got %s, want %s", i, got, c.want)
		}
	}
}

// TestUnitRunnerCreateSendsNoBlanks: blank strings are left out of the
// create body, as GitLab would drop them (attributes_for_keys).
func TestUnitRunnerCreateSendsNoBlanks(t *testing.T) {
	for _, v := range []string{"", " ", "\t "} {
		s := runnerSettingsFromPlan(runnerModel{Description: types.StringValue(v), MaintenanceNote: types.StringValue(v)}, nil)
		if s.Description != nil || s.MaintenanceNote != nil {
			t.Errorf("%q sent on create: %v / %v", v, s.Description, s.MaintenanceNote)
		}
	}
	s := runnerSettingsFromPlan(runnerModel{Description: types.StringValue(" d "), MaintenanceNote: types.StringValue("n")}, nil)
	if s.Description == nil || *s.Description != " d " || s.MaintenanceNote == nil || *s.MaintenanceNote != "n" {
		t.Errorf("present values must be sent as they are: %v / %v", s.Description, s.MaintenanceNote)
	}
}

func runnerState() runnerModel {
	return runnerModel{
		Description: types.StringValue("d"), Paused: types.BoolValue(false), Locked: types.BoolValue(false),
		RunUntagged: types.BoolValue(true), TagList: runnerTestTags("a", "b"),
		AccessLevel:     types.StringValue(gitlab.AccessLevelNotProtected),
		MaximumTimeout:  types.Int64Value(3600),
		MaintenanceNote: types.StringValue("note"),
	}
}

func TestUnitRunnerUpdateOptionsSendOnlyChanges(t *testing.T) {
	ctx := context.Background()
	state := runnerState()

	// Same values in a different set order: nothing to send.
	plan := runnerState()
	plan.TagList = runnerTestTags("b", "a")
	if _, changed, _ := runnerUpdateOptionsFromPlan(ctx, plan, state); len(changed) != 0 {
		t.Fatalf("reordered tags reported as change: %v", changed)
	}

	plan = runnerState()
	plan.Description = types.StringValue("new")
	plan.MaximumTimeout = types.Int64Null()
	plan.MaintenanceNote = types.StringNull()
	plan.TagList = runnerTestTags()
	opts, changed, diags := runnerUpdateOptionsFromPlan(ctx, plan, state)
	if diags.HasError() {
		t.Fatal(diags)
	}
	body, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"description":"new","tag_list":[],"maximum_timeout":null,"maintenance_note":""}`
	if string(body) != want {
		t.Fatalf("PUT body = %s, want %s", body, want)
	}
	if strings.Join(changed, ",") != "description,tag_list,maximum_timeout,maintenance_note" {
		t.Fatalf("changed = %v", changed)
	}

	plan = runnerState()
	plan.Paused = types.BoolValue(true)
	plan.MaximumTimeout = types.Int64Value(600)
	plan.AccessLevel = types.StringValue(gitlab.AccessLevelRefProtected)
	opts, _, _ = runnerUpdateOptionsFromPlan(ctx, plan, state)
	body, _ = json.Marshal(opts)
	if want := `{"paused":true,"access_level":"ref_protected","maximum_timeout":600}`; string(body) != want {
		t.Fatalf("PUT body = %s, want %s", body, want)
	}
}

func TestUnitRunnerCreateOptions(t *testing.T) {
	plan := runnerState()
	plan.RunnerType = types.StringValue(gitlab.RunnerTypeGroup)
	plan.GroupID = types.Int64Value(4)
	plan.ProjectID = types.Int64Null()
	plan.MaximumTimeout = types.Int64Null()
	plan.MaintenanceNote = types.StringValue("")
	body, _ := json.Marshal(runnerCreateOptionsFromPlan(plan, []string{"a", "b"}))
	want := `{"runner_type":"group_type","group_id":4,"description":"d","paused":false,"locked":false,` +
		`"run_untagged":true,"tag_list":["a","b"],"access_level":"not_protected"}`
	if string(body) != want {
		t.Fatalf("POST body = %s, want %s (maximum_timeout never sent as 0, empty note not sent)", body, want)
	}
}

func TestUnitRunnerChangedAttributesCoversMutableAttributes(t *testing.T) {
	// Every attribute PUT can change must be compared, or an edit of it
	// would be silently dropped.
	plan := runnerState()
	plan.Description = types.StringValue("x")
	plan.Paused = types.BoolValue(true)
	plan.Locked = types.BoolValue(true)
	plan.RunUntagged = types.BoolValue(false)
	plan.TagList = runnerTestTags("c")
	plan.AccessLevel = types.StringValue(gitlab.AccessLevelRefProtected)
	plan.MaximumTimeout = types.Int64Value(601)
	plan.MaintenanceNote = types.StringValue("other")
	got := runnerChangedAttributes(plan, runnerState())
	if strings.Join(got, ",") != strings.Join(runnerMutableAttributes, ",") {
		t.Fatalf("changed = %v, want %v", got, runnerMutableAttributes)
	}
}

func TestUnitRunnerStateWithoutRead(t *testing.T) {
	m := runnerState()
	m.RunnerType, m.GroupID, m.ProjectID = types.StringUnknown(), types.Int64Unknown(), types.Int64Unknown()
	m.IsShared, m.CreatedAt, m.TokenExpiresAt = types.BoolUnknown(), types.StringUnknown(), types.StringUnknown()
	m.RegistrationTokenWO = types.StringValue("GR1348941x")
	got := runnerModelFromPlan(m)
	for name, v := range map[string]attr.Value{
		"runner_type": got.RunnerType, "group_id": got.GroupID, "project_id": got.ProjectID, "is_shared": got.IsShared,
		"created_at": got.CreatedAt, "token_expires_at": got.TokenExpiresAt, "registration_token_wo": got.RegistrationTokenWO,
	} {
		if !v.IsNull() {
			t.Errorf("%s = %s, want null", name, v)
		}
	}
}

func TestUnitRunnerAdoptionMatching(t *testing.T) {
	started := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tags := []string{"docker", "linux"}
	opts := gitlab.CreateUserRunnerOptions{
		RunnerType: gitlab.RunnerTypeProject,
		ProjectID:  runnerPtr(int64(5)),
		RunnerSettings: gitlab.RunnerSettings{
			Description: runnerPtr("ci"),
			TagList:     &tags,
		},
	}
	me := &gitlab.User{ID: 1}
	fresh := started.Add(2 * time.Second)
	old := started.Add(-time.Hour)
	slightlyEarlier := started.Add(-time.Minute) // GitLab's clock behind ours

	entry := func(mut func(*gitlab.Runner)) gitlab.Runner {
		r := gitlab.Runner{ID: 1, RunnerType: gitlab.RunnerTypeProject, Description: "ci", CreatedAt: &fresh,
			CreatedBy: &gitlab.UserBasic{ID: 1}}
		if mut != nil {
			mut(&r)
		}
		return r
	}
	listCases := map[string]struct {
		r    gitlab.Runner
		me   *gitlab.User
		want bool
	}{
		"fresh":                {entry(nil), me, true},
		"clock skew tolerated": {entry(func(r *gitlab.Runner) { r.CreatedAt = &slightlyEarlier }), me, true},
		"created long before":  {entry(func(r *gitlab.Runner) { r.CreatedAt = &old }), me, false},
		"other description":    {entry(func(r *gitlab.Runner) { r.Description = "other" }), me, false},
		"other type":           {entry(func(r *gitlab.Runner) { r.RunnerType = gitlab.RunnerTypeGroup }), me, false},
		"other creator":        {entry(func(r *gitlab.Runner) { r.CreatedBy = &gitlab.UserBasic{ID: 2} }), me, false},
		"creator unknown":      {entry(func(r *gitlab.Runner) { r.CreatedBy = &gitlab.UserBasic{ID: 2} }), nil, true},
	}
	for name, c := range listCases {
		if got := runnerListEntryMayMatch(c.r, opts, started, c.me); got != c.want {
			t.Errorf("list entry %s: got %v, want %v", name, got, c.want)
		}
	}

	detail := func(mut func(*gitlab.RunnerDetails)) *gitlab.RunnerDetails {
		d := &gitlab.RunnerDetails{
			Runner:   gitlab.Runner{ID: 1, RunnerType: gitlab.RunnerTypeProject, Description: "ci"},
			TagList:  []string{"linux", "docker"},
			Projects: []gitlab.RunnerProject{{ID: 5}},
		}
		if mut != nil {
			mut(d)
		}
		return d
	}
	contacted := fresh
	detailCases := map[string]struct {
		d    *gitlab.RunnerDetails
		want bool
	}{
		"match (tag order irrelevant)": {detail(nil), true},
		"assigned, other owner":        {detail(func(d *gitlab.RunnerDetails) { d.Projects = []gitlab.RunnerProject{{ID: 9}, {ID: 5}} }), false},
		"extra tag":                    {detail(func(d *gitlab.RunnerDetails) { d.TagList = append(d.TagList, "gpu") }), false},
		"missing tag":                  {detail(func(d *gitlab.RunnerDetails) { d.TagList = []string{"docker"} }), false},
		"already contacted":            {detail(func(d *gitlab.RunnerDetails) { d.ContactedAt = &contacted }), false},
		"no projects visible":          {detail(func(d *gitlab.RunnerDetails) { d.Projects = nil }), false},
	}
	for name, c := range detailCases {
		if got := runnerMatchesCreateRequest(c.d, opts); got != c.want {
			t.Errorf("details %s: got %v, want %v", name, got, c.want)
		}
	}

	group := gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeGroup, GroupID: runnerPtr(int64(3)), RunnerSettings: gitlab.RunnerSettings{Description: runnerPtr("")}}
	g := &gitlab.RunnerDetails{Runner: gitlab.Runner{RunnerType: gitlab.RunnerTypeGroup}, Groups: []gitlab.RunnerGroup{{ID: 3}}}
	if !runnerMatchesCreateRequest(g, group) {
		t.Error("group runner without tags should match a request without tags")
	}
	g.Groups[0].ID = 4 // an ancestor group's runner
	if runnerMatchesCreateRequest(g, group) {
		t.Error("a runner of another group must not match")
	}
}

// The attributes the resource can change in place are exactly the settings
// the client sends: a setting added to gitlab.RunnerSettings needs an
// attribute here, and the other way round.
func TestUnitRunnerMutableAttributesAreRunnerSettings(t *testing.T) {
	b, err := json.Marshal(runnerSettingsFromPlan(runnerState(), []string{}))
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	if err := json.Unmarshal(b, &sent); err != nil {
		t.Fatal(err)
	}
	if len(sent) != len(runnerMutableAttributes) {
		t.Fatalf("settings sent %s, want exactly %v", b, runnerMutableAttributes)
	}
	for _, name := range runnerMutableAttributes {
		if _, ok := sent[name]; !ok {
			t.Errorf("%s is not among the settings sent on create: %s", name, b)
		}
	}
}
