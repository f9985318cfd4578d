package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func TestUnitDataSourceRunnerParity(t *testing.T) {
	s := dataSourceSchema(t, NewRunnerDataSource())
	assertModelMatchesSchema(t, s.Attributes, runnerDataSourceModel{})
	nested := map[string]types.ObjectType{
		"created_by": s.Attributes["created_by"].GetType().(types.ObjectType),
		"projects":   s.Attributes["projects"].GetType().(types.ListType).ElemType.(types.ObjectType),
		"groups":     s.Attributes["groups"].GetType().(types.ListType).ElemType.(types.ObjectType),
	}
	for name, want := range map[string]types.ObjectType{"created_by": runnerCreatorType, "projects": runnerProjectType, "groups": runnerGroupType} {
		if !nested[name].Equal(want) {
			t.Errorf("%s: converter type %v differs from schema %v", name, want, nested[name])
		}
	}
}

// A RunnerDetails document as GitLab 18 sends it, decoded by the client.
const runnerDetailsJSON = `{
  "id": 6, "description": "test-1", "ip_address": "", "active": false, "paused": true, "is_shared": false,
  "runner_type": "project_type", "name": null, "online": true, "status": "paused",
  "created_by": {"id": 1, "username": "root", "name": "Administrator", "state": "active", "avatar_url": null, "web_url": "https://gl/root"},
  "created_at": "2025-05-03T00:00:00.000Z", "job_execution_status": "idle",
  "tag_list": ["ruby", "mysql"], "run_untagged": false, "locked": true, "maximum_timeout": null,
  "access_level": "ref_protected", "version": "18.0.1", "revision": "abc", "platform": "linux", "architecture": "amd64",
  "contacted_at": "2025-05-04T10:20:30.456Z", "maintenance_note": null,
  "projects": [{"id": 1, "name": "CE", "name_with_namespace": "GitLab.org / CE", "path": "gitlab-foss", "path_with_namespace": "gitlab-org/gitlab-foss"}],
  "groups": []
}`

func TestUnitDataSourceRunnerModelFromAPI(t *testing.T) {
	var r gitlab.RunnerDetails
	if err := json.Unmarshal([]byte(runnerDetailsJSON), &r); err != nil {
		t.Fatal(err)
	}
	m := runnerDataSourceModelFromAPI(&r)
	checks := map[string]bool{
		"id":               m.ID.ValueInt64() == 6,
		"paused/active":    m.Paused.ValueBool() && !m.Active.ValueBool(),
		"name null":        m.Name.IsNull(),
		"maximum_timeout":  m.MaximumTimeout.IsNull(),
		"maintenance_note": m.MaintenanceNote.IsNull(),
		"ip_address":       m.IPAddress.ValueString() == "" && !m.IPAddress.IsNull(),
		"contacted_at":     m.ContactedAt.ValueString() == "2025-05-04T10:20:30.456Z",
		"created_at":       m.CreatedAt.ValueString() == "2025-05-03T00:00:00.000Z",
		"version":          m.Version.ValueString() == "18.0.1" && m.Architecture.ValueString() == "amd64",
		"tag_list":         len(m.TagList.Elements()) == 2,
		"projects":         len(m.Projects.Elements()) == 1,
		"groups empty":     !m.Groups.IsNull() && len(m.Groups.Elements()) == 0,
		"creator":          m.CreatedBy.Attributes()["username"].Equal(types.StringValue("root")) && m.CreatedBy.Attributes()["avatar_url"].IsNull(),
		"token_expires_at": m.TokenExpiresAt.IsNull(),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s: wrong value in %+v", name, m)
		}
	}
	// Older releases and registration-token runners have no created_by.
	r.CreatedBy = nil
	r.TagList = nil
	if m := runnerDataSourceModelFromAPI(&r); !m.CreatedBy.IsNull() || m.TagList.IsNull() || len(m.TagList.Elements()) != 0 {
		t.Errorf("want null created_by and an empty tag set, got %v / %v", m.CreatedBy, m.TagList)
	}
}

func TestUnitDataSourceRunnerReadErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{404, `{"message":"404 Runner Not Found"}`, "runner 77 was not found: no runner has this id"},
		{403, `{"message":"403 Forbidden - No access granted"}`, "The token's user may not read runner 77 (GET /runners/:id needs an administrator"},
	} {
		_, diags := readDataSource(t, NewRunnerDataSource(), testClient(t, errorServer(tc.status, tc.body)),
			map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.Number, 77)})
		assertOneErrorOn(t, diags, path.Root("id"), tc.want)
	}
}

// assertOneErrorOn checks diags hold exactly one error, on attribute p,
// whose text contains want.
func assertOneErrorOn(t *testing.T, diags diag.Diagnostics, p path.Path, want string) {
	t.Helper()
	if diags.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", diags)
	}
	d := diags.Errors()[0]
	if text := d.Summary() + "\n" + d.Detail(); !strings.Contains(text, want) {
		t.Errorf("diagnostic lacks %q:\n%s", want, text)
	}
	if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(p) {
		t.Errorf("diagnostic not on %s: %#v", p, d)
	}
}

func TestUnitDataSourceRunnerManagersParityAndValue(t *testing.T) {
	s := dataSourceSchema(t, NewRunnerManagersDataSource())
	assertModelMatchesSchema(t, s.Attributes, runnerManagersDataSourceModel{})
	if !s.Attributes["managers"].(schema.ListNestedAttribute).NestedObject.Type().Equal(runnerManagerType) {
		t.Fatal("runnerManagerType differs from the schema")
	}
	contacted := time.Date(2024, 6, 9, 6, 30, 9, 355e6, time.UTC)
	v := runnerManagerObjectFromAPI(gitlab.RunnerManager{ID: 1, SystemID: "s_89e5e9956577", Status: "offline", ContactedAt: &contacted})
	a := v.Attributes()
	if a["contacted_at"].(types.String).ValueString() != "2024-06-09T06:30:09.355Z" || !a["version"].IsNull() ||
		!a["created_at"].IsNull() || !a["job_execution_status"].IsNull() || a["system_id"].(types.String).ValueString() != "s_89e5e9956577" {
		t.Fatalf("got %v", v)
	}
	_, diags := readDataSource(t, NewRunnerManagersDataSource(), testClient(t, errorServer(404, `{"message":"404 Runner Not Found"}`)),
		map[string]tftypes.Value{"runner_id": tftypes.NewValue(tftypes.Number, 5)})
	assertOneErrorOn(t, diags, path.Root("runner_id"), "runner 5 was not found")
}

func TestUnitDataSourceRunnerJobsParityAndValue(t *testing.T) {
	s := dataSourceSchema(t, NewRunnerJobsDataSource())
	assertModelMatchesSchema(t, s.Attributes, runnerJobsDataSourceModel{})
	if !s.Attributes["jobs"].(schema.ListNestedAttribute).NestedObject.Type().Equal(runnerJobType) {
		t.Fatal("runnerJobType differs from the schema")
	}
	d := 120.0
	v := runnerJobObjectFromAPI(gitlab.Job{ID: 2, Status: "running", Duration: &d,
		Pipeline: &gitlab.JobPipeline{ID: 9}, Project: &gitlab.JobProject{ID: 1, PathWithNamespace: "ns/p"}})
	a := v.Attributes()
	if a["pipeline_id"].(types.Int64).ValueInt64() != 9 || a["duration"].(types.Float64).ValueFloat64() != 120 ||
		!a["started_at"].IsNull() || a["project"].(types.Object).Attributes()["path_with_namespace"].(types.String).ValueString() != "ns/p" {
		t.Fatalf("got %v", v)
	}
	bare := runnerJobObjectFromAPI(gitlab.Job{ID: 3}).Attributes()
	if !bare["project"].IsNull() || !bare["pipeline_id"].IsNull() || !bare["duration"].IsNull() {
		t.Fatalf("missing project/pipeline must be null, got %v", bare)
	}
}

// TestUnitDataSourceRunnerJobsQuery: the configured order_by is sent, id
// when unset (GitLab ignores sort without it), and max_jobs bounds the read,
// by default to 1000 jobs.
func TestUnitDataSourceRunnerJobsQuery(t *testing.T) {
	jobs := make([]map[string]any, 1234)
	for i := range jobs {
		jobs[i] = map[string]any{"id": 2000 - i, "status": "success"}
	}
	for _, tc := range []struct {
		vals      map[string]tftypes.Value
		wantJobs  int
		wantPages int
		wantQuery []string
	}{
		{nil, 1000, 10, []string{"order_by=id", "per_page=100"}},
		// The configured order_by is what is sent (Read is called directly,
		// past the schema's validator, to tell it from the default).
		{map[string]tftypes.Value{"order_by": tftypes.NewValue(tftypes.String, "created_at"), "sort": tftypes.NewValue(tftypes.String, "desc"),
			"max_jobs": tftypes.NewValue(tftypes.Number, 2)}, 2, 1, []string{"order_by=created_at", "sort=desc", "per_page=2"}},
		{map[string]tftypes.Value{"max_jobs": tftypes.NewValue(tftypes.Number, 5), "sort": tftypes.NewValue(tftypes.String, "asc"),
			"status": tftypes.NewValue(tftypes.String, "success"), "system_id": tftypes.NewValue(tftypes.String, "s_1")},
			5, 1, []string{"order_by=id", "sort=asc", "status=success", "system_id=s_1", "per_page=5"}},
	} {
		var queries []string
		vals := map[string]tftypes.Value{"runner_id": tftypes.NewValue(tftypes.Number, 4)}
		for k, v := range tc.vals {
			vals[k] = v
		}
		st, diags := readDataSource(t, NewRunnerJobsDataSource(), testClient(t, jsonPages("/api/v4/runners/4/jobs", jobs, &queries)), vals)
		if diags.HasError() {
			t.Fatal(diags)
		}
		var m runnerJobsDataSourceModel
		if d := st.Get(context.Background(), &m); d.HasError() {
			t.Fatal(d)
		}
		if n := len(m.Jobs.Elements()); n != tc.wantJobs {
			t.Errorf("jobs: %d, want %d", n, tc.wantJobs)
		}
		if len(queries) != tc.wantPages {
			t.Errorf("requests: %d, want %d", len(queries), tc.wantPages)
		}
		for _, q := range queries {
			for _, w := range tc.wantQuery {
				if !strings.Contains(q, w) {
					t.Errorf("query %q lacks %q", q, w)
				}
			}
		}
	}
}
