package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// ---- helpers shared by the data source unit tests -------------------------

func dataSourceSchema(t *testing.T, ds datasource.DataSource) schema.Schema {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

// testClient is a client for a fake GitLab, without retries so error tests
// are fast.
func testClient(t *testing.T, h http.Handler) *gitlab.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: "glpat-test", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readDataSource runs Configure and Read the way the framework does, with
// the given configuration values (unset attributes are null).
func readDataSource(t *testing.T, ds datasource.DataSource, c *gitlab.Client, vals map[string]tftypes.Value) (tfsdk.State, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	s := dataSourceSchema(t, ds)
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	obj := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := vals[name]; ok {
			obj[name] = v
		} else {
			obj[name] = tftypes.NewValue(at, nil)
		}
	}
	for name := range vals {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("test sets unknown attribute %q", name)
		}
	}
	if dc, ok := ds.(datasource.DataSourceWithConfigure); ok {
		var cr datasource.ConfigureResponse
		dc.Configure(ctx, datasource.ConfigureRequest{ProviderData: &ProviderData{Client: c, HasToken: true}}, &cr)
		if cr.Diagnostics.HasError() {
			t.Fatalf("configure: %v", cr.Diagnostics)
		}
	}
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, obj)}}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, req, &resp)
	return resp.State, resp.Diagnostics
}

// jsonPages serves a list as GitLab does (page/per_page, X-Total-Pages) and
// records the queries it saw.
func jsonPages(wantPath string, items []map[string]any, queries *[]string) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != wantPath {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"404 Not Found"}`))
			return
		}
		if queries != nil {
			mu.Lock()
			*queries = append(*queries, r.URL.RawQuery)
			mu.Unlock()
		}
		page, per := 1, 20
		_ = json.Unmarshal([]byte(r.URL.Query().Get("page")), &page)
		_ = json.Unmarshal([]byte(r.URL.Query().Get("per_page")), &per)
		lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
		totalPages := max((len(items)+per-1)/per, 1)
		w.Header().Set("X-Total-Pages", itoaTest(totalPages))
		w.Header().Set("X-Total", itoaTest(len(items)))
		if page < totalPages {
			w.Header().Set("X-Next-Page", itoaTest(page+1))
		} else {
			w.Header().Set("X-Next-Page", "")
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(items[lo:hi])
	})
}

func itoaTest(n int) string { b, _ := json.Marshal(n); return string(b) }

func errorServer(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// checkDescriptions fails for any attribute, at any depth, without a
// MarkdownDescription: the docs are generated from them.
func checkDescriptions(t *testing.T, prefix string, attrs map[string]schema.Attribute) {
	t.Helper()
	for name, a := range attrs {
		if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
			t.Errorf("%s%s has no MarkdownDescription", prefix, name)
		}
		switch n := a.(type) {
		case schema.ListNestedAttribute:
			checkDescriptions(t, prefix+name+".", n.NestedObject.Attributes)
		case schema.SingleNestedAttribute:
			checkDescriptions(t, prefix+name+".", n.Attributes)
		}
	}
}

func allDataSources() map[string]datasource.DataSource {
	out := map[string]datasource.DataSource{}
	for _, f := range (&gitlabciProvider{}).dataSourcesForTest() {
		ds := f()
		var resp datasource.MetadataResponse
		ds.Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: TypeName}, &resp)
		out[resp.TypeName] = ds
	}
	return out
}

func (p *gitlabciProvider) dataSourcesForTest() []func() datasource.DataSource {
	return p.DataSources(context.Background())
}

// ---- tests -----------------------------------------------------------------

func TestUnitDataSourcesRegisteredAndDocumented(t *testing.T) {
	all := allDataSources()
	for _, name := range []string{"gitlabci_runners", "gitlabci_group_runners", "gitlabci_project_runners",
		"gitlabci_runner", "gitlabci_runner_managers", "gitlabci_runner_jobs"} {
		ds, ok := all[name]
		if !ok {
			t.Errorf("%s is not registered in DataSources()", name)
			continue
		}
		s := dataSourceSchema(t, ds)
		if strings.TrimSpace(s.MarkdownDescription) == "" {
			t.Errorf("%s has no MarkdownDescription", name)
		}
		if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
			t.Errorf("%s: %v", name, diags)
		}
		checkDescriptions(t, name+".", s.Attributes)
	}
}

func TestUnitDataSourceRunnerListParity(t *testing.T) {
	assertModelMatchesSchema(t, runnerListAttributes("GET /runners"), runnerListModel{})
	// The list data source models add only their scope attributes to the
	// embedded runnerListModel (whose untagged field the helper skips).
	assertModelMatchesSchema(t, runnersSpec.scope, runnersDataSourceModel{})
	assertModelMatchesSchema(t, groupRunnersSpec.scope, groupRunnersDataSourceModel{})
	assertModelMatchesSchema(t, projectRunnersSpec.scope, projectRunnersDataSourceModel{})
	for _, ds := range []datasource.DataSource{NewRunnersDataSource(), NewGroupRunnersDataSource(), NewProjectRunnersDataSource()} {
		s := dataSourceSchema(t, ds)
		if len(s.Attributes) != len(runnerListAttributes(""))+1 {
			t.Errorf("schema has %d attributes, want the %d shared ones plus one scope attribute", len(s.Attributes), len(runnerListAttributes("")))
		}
	}
}

// listState builds the state of gitlabci_runners for these runners (with
// an empty configuration) and reads it back as the framework would.
func listState(t *testing.T, runners []gitlab.Runner) runnersDataSourceModel {
	t.Helper()
	ctx := context.Background()
	s := dataSourceSchema(t, NewRunnersDataSource())
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	empty := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		empty[name] = tftypes.NewValue(at, nil)
	}
	config := tftypes.NewValue(typ, empty)
	raw, err := runnerListState(config, runners)
	if err != nil {
		t.Fatal(err)
	}
	var after map[string]tftypes.Value
	if err := config.As(&after); err != nil || !after["runners"].IsNull() || !after["ids"].IsNull() {
		t.Fatalf("building the state changed the configuration: %v %v", after, err)
	}
	var m runnersDataSourceModel
	if d := (tfsdk.State{Schema: s, Raw: raw}).Get(ctx, &m); d.HasError() {
		t.Fatalf("state does not match the schema: %v", d)
	}
	return m
}

func TestUnitDataSourceRunnerListState(t *testing.T) {
	created := time.Date(2025, 5, 3, 10, 4, 5, 123e6, time.UTC)
	name, online := "builder", true
	m := listState(t, []gitlab.Runner{
		{ID: 42, Description: "docker", Name: &name, Paused: true, IsShared: true, RunnerType: "instance_type",
			Online: &online, Status: "paused", CreatedAt: &created, JobExecutionStatus: "idle"},
		{ID: 43, RunnerType: "project_type", Status: "never_contacted"},
	})
	want := map[string]attr.Value{
		"id": types.Int64Value(42), "description": types.StringValue("docker"), "name": types.StringValue("builder"),
		"paused": types.BoolValue(true), "is_shared": types.BoolValue(true), "runner_type": types.StringValue("instance_type"),
		"online": types.BoolValue(true), "status": types.StringValue("paused"),
		"created_at": types.StringValue("2025-05-03T10:04:05.123Z"), "job_execution_status": types.StringValue("idle"),
	}
	items := m.Runners.Elements()
	if len(items) != 2 || !items[0].Equal(types.ObjectValueMust(runnerListItemType.AttrTypes, want)) {
		t.Fatalf("got %v", m.Runners)
	}
	sparse := items[1].(types.Object).Attributes()
	for _, k := range []string{"name", "online", "created_at", "job_execution_status"} {
		if !sparse[k].IsNull() {
			t.Errorf("%s: want null for a missing value, got %v", k, sparse[k])
		}
	}
	if !m.IDs.Equal(types.ListValueMust(types.StringType, []attr.Value{types.StringValue("42"), types.StringValue("43")})) {
		t.Errorf("ids: %v", m.IDs)
	}
}

func TestUnitDataSourceRunnerListEmptyIsEmptyList(t *testing.T) {
	m := listState(t, nil)
	if m.Runners.IsNull() || len(m.Runners.Elements()) != 0 || m.IDs.IsNull() || len(m.IDs.Elements()) != 0 {
		t.Fatalf("empty result must be empty lists, got runners=%v ids=%v", m.Runners, m.IDs)
	}
}

func TestUnitDataSourceVersionPrefixPattern(t *testing.T) {
	for s, ok := range map[string]bool{
		"17": true, "17.11": true, "18.0.1": true, "17.": true, "16.1.241": true,
		"": false, "v17": false, ".1": false, "17..1": false, "17.x": false, "17 ": false, "1a": false,
	} {
		if got := versionPrefixPattern.MatchString(s); got != ok {
			t.Errorf("%q: match = %v, want %v", s, got, ok)
		}
	}
}

func TestUnitDataSourceRunnersReadAllPagesWithFilters(t *testing.T) {
	items := make([]map[string]any, 250)
	for i := range items {
		items[i] = map[string]any{"id": i + 1, "description": "r", "runner_type": "group_type", "status": "online",
			"paused": false, "is_shared": false, "online": true, "created_at": "2025-05-03T00:00:00.000Z",
			"job_execution_status": "idle"}
	}
	var queries []string
	c := testClient(t, jsonPages("/api/v4/runners/all", items, &queries))
	st, diags := readDataSource(t, NewRunnersDataSource(), c, map[string]tftypes.Value{
		"all":            tftypes.NewValue(tftypes.Bool, true),
		"type":           tftypes.NewValue(tftypes.String, "group_type"),
		"status":         tftypes.NewValue(tftypes.String, "online"),
		"paused":         tftypes.NewValue(tftypes.Bool, false),
		"version_prefix": tftypes.NewValue(tftypes.String, "17.1"),
		"tag_list": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
			tftypes.NewValue(tftypes.String, "docker"), tftypes.NewValue(tftypes.String, "amd64"),
		}),
	})
	if diags.HasError() {
		t.Fatalf("read: %v", diags)
	}
	var m runnersDataSourceModel
	if d := st.Get(context.Background(), &m); d.HasError() {
		t.Fatal(d)
	}
	if n := len(m.Runners.Elements()); n != 250 {
		t.Fatalf("runners: %d, want 250", n)
	}
	ids := m.IDs.Elements()
	if len(ids) != 250 || ids[0].(types.String).ValueString() != "1" || ids[249].(types.String).ValueString() != "250" {
		t.Fatalf("ids out of order or incomplete: first %v last %v (%d)", ids[0], ids[len(ids)-1], len(ids))
	}
	if len(queries) != 3 {
		t.Fatalf("want 3 page requests, got %d: %v", len(queries), queries)
	}
	for _, q := range queries {
		for _, want := range []string{"type=group_type", "status=online", "paused=false", "version_prefix=17.1",
			"tag_list=amd64%2Cdocker", "per_page=100"} {
			if !strings.Contains(q, want) {
				t.Errorf("query %q lacks %q", q, want)
			}
		}
	}
}

func TestUnitDataSourceRunnersEmptyResult(t *testing.T) {
	c := testClient(t, jsonPages("/api/v4/runners", nil, nil))
	st, diags := readDataSource(t, NewRunnersDataSource(), c, nil)
	if diags.HasError() {
		t.Fatalf("read: %v", diags)
	}
	var m runnersDataSourceModel
	if d := st.Get(context.Background(), &m); d.HasError() {
		t.Fatal(d)
	}
	if m.Runners.IsNull() || len(m.Runners.Elements()) != 0 || len(m.IDs.Elements()) != 0 {
		t.Fatalf("want empty lists, got %v / %v", m.Runners, m.IDs)
	}
}

func TestUnitDataSourceListErrorsNameWhatAndWhichRole(t *testing.T) {
	cases := []struct {
		name      string
		ds        datasource.DataSource
		vals      map[string]tftypes.Value
		status    int
		body      string
		attribute path.Path
		want      []string
	}{
		{
			name: "group 404", ds: NewGroupRunnersDataSource(),
			vals:   map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "acme/platform")},
			status: 404, body: `{"message":"404 Group Not Found"}`, attribute: path.Root("group"),
			want: []string{"group acme/platform was not found or the token's user is not at least a Maintainer of it " +
				"(GET /groups/:id/runners needs Maintainer)", "Group Not Found"},
		},
		{
			name: "group 403 by id", ds: NewGroupRunnersDataSource(),
			vals:   map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "42")},
			status: 403, body: `{"message":"403 Forbidden"}`, attribute: path.Root("group"),
			want: []string{"not at least a Maintainer of group with id 42 (GET /groups/:id/runners needs Maintainer)"},
		},
		{
			name: "project 404", ds: NewProjectRunnersDataSource(),
			vals:   map[string]tftypes.Value{"project": tftypes.NewValue(tftypes.String, "acme/platform/api")},
			status: 404, body: `{"message":"404 Project Not Found"}`, attribute: path.Root("project"),
			want: []string{"project acme/platform/api was not found or the token's user is not at least a Maintainer " +
				"of it (GET /projects/:id/runners needs Maintainer)"},
		},
		{
			name: "all 403", ds: NewRunnersDataSource(),
			vals:   map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true)},
			status: 403, body: `{"message":"403 Forbidden"}`, attribute: path.Root("all"),
			want: []string{"not an administrator (GET /runners/all needs an administrator"},
		},
		{
			name: "scope", ds: NewProjectRunnersDataSource(),
			vals:   map[string]tftypes.Value{"project": tftypes.NewValue(tftypes.String, "7")},
			status: 403, attribute: path.Root("project"),
			body: `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`,
			want: []string{"read_api", "insufficient_scope"},
		},
		{
			name: "server error", ds: NewProjectRunnersDataSource(),
			vals:   map[string]tftypes.Value{"project": tftypes.NewValue(tftypes.String, "7")},
			status: 500, body: `{"message":"500 Internal Server Error"}`, attribute: path.Root("project"),
			want: []string{"Cannot list the runners of project with id 7", "500"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := readDataSource(t, tc.ds, testClient(t, errorServer(tc.status, tc.body)), tc.vals)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			text := d.Summary() + "\n" + d.Detail()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || !wp.Path().Equal(tc.attribute) {
				t.Errorf("diagnostic not reported on %s: %#v", tc.attribute, d)
			}
		})
	}
}
