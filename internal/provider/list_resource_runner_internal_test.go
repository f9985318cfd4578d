package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

func TestUnitRunnerListResourceSchema(t *testing.T) {
	s := runnerListResourceSchema()
	assertModelMatchesSchema(t, s.Attributes, runnerListConfigModel{})
	for name, a := range s.Attributes {
		if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
			t.Errorf("attribute %q has no MarkdownDescription", name)
		}
	}
	var resp list.ListResourceSchemaResponse
	(&assignmentListResource{}).ListResourceConfigSchema(context.Background(), list.ListResourceSchemaRequest{}, &resp)
	assertModelMatchesSchema(t, resp.Schema.Attributes, assignmentListConfigModel{})
}

func TestUnitRunnerListScopeValidation(t *testing.T) {
	null := runnerListConfigModel{All: types.BoolNull(), Group: types.StringNull(), Project: types.StringNull()}
	for _, tc := range []struct {
		name    string
		edit    func(*runnerListConfigModel)
		wantErr bool
	}{
		{"neither", func(*runnerListConfigModel) {}, false},
		{"all", func(m *runnerListConfigModel) { m.All = types.BoolValue(true) }, false},
		{"all false with group", func(m *runnerListConfigModel) {
			m.All = types.BoolValue(false)
			m.Group = types.StringValue("acme")
		}, false},
		{"all and group", func(m *runnerListConfigModel) {
			m.All = types.BoolValue(true)
			m.Group = types.StringValue("acme")
		}, true},
		{"group and project", func(m *runnerListConfigModel) {
			m.Group = types.StringValue("acme")
			m.Project = types.StringValue("acme/app")
		}, true},
		// Unknown at validation: checked again in List once known.
		{"unknown project with group", func(m *runnerListConfigModel) {
			m.Group = types.StringValue("acme")
			m.Project = types.StringUnknown()
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := null
			tc.edit(&m)
			var diags diag.Diagnostics
			validateRunnerListScope(m, &diags)
			if diags.HasError() != tc.wantErr {
				t.Errorf("errors = %v, want error %v", diags, tc.wantErr)
			}
		})
	}
}

func TestUnitRunnerDisplayName(t *testing.T) {
	if got := runnerDisplayName(gitlabRunner(7, "build", "group_type")); got != "build (group_type #7)" {
		t.Errorf("got %q", got)
	}
	if got := runnerDisplayName(gitlabRunner(8, "", "instance_type")); got != "instance_type #8" {
		t.Errorf("got %q", got)
	}
}

func gitlabRunner(id int64, description, typ string) gitlab.Runner {
	return gitlab.Runner{ID: id, Description: description, RunnerType: typ}
}

// listEnv is a simulator and a configured runner list resource, so List runs
// without a CLI (the acceptance tests need Terraform 1.14 for that).
type listEnv struct {
	t   *testing.T
	srv *gitlabsim.Server
	c   *gitlab.Client
}

func newListEnv(t *testing.T) *listEnv {
	t.Helper()
	srv, err := gitlabsim.Start(gitlabsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: srv.AdminToken, Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return &listEnv{t: t, srv: srv, c: c}
}

// list runs List with the given configuration attributes (others null).
func (e *listEnv) list(c *gitlab.Client, attrs map[string]tftypes.Value, includeResource bool, limit int64) []list.ListResult {
	e.t.Helper()
	ctx := context.Background()
	s := runnerListResourceSchema()
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for k, v := range attrs {
		vals[k] = v
	}
	var idResp resource.IdentitySchemaResponse
	(&runnerResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &idResp)
	r := &runnerListResource{data: &ProviderData{Client: c, HasToken: true}}
	var stream list.ListResultsStream
	r.List(ctx, list.ListRequest{
		Config:                 tfsdk.Config{Raw: tftypes.NewValue(typ, vals), Schema: s},
		IncludeResource:        includeResource,
		Limit:                  limit,
		ResourceSchema:         runnerResourceSchema(),
		ResourceIdentitySchema: idResp.IdentitySchema,
	}, &stream)
	var out []list.ListResult
	for res := range stream.Results {
		out = append(out, res)
	}
	return out
}

func tfTags(tags ...string) tftypes.Value {
	vals := make([]tftypes.Value, len(tags))
	for i, tag := range tags {
		vals[i] = tftypes.NewValue(tftypes.String, tag)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vals)
}

func TestUnitRunnerListStreamsWithLimitAndResources(t *testing.T) {
	e := newListEnv(t)
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: gitlab.RunnerTypeInstance, Tags: []string{"unit"},
		Description: "seeded", Locked: true}, 150)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true), "tag_list": tfTags("unit")}

	before := e.srv.Stats()
	got := e.list(e.c, all, false, 0)
	if len(got) != 150 {
		t.Fatalf("%d results, want 150", len(got))
	}
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/all"] - before.ByRoute["GET /api/v4/runners/all"]; n != 2 {
		t.Errorf("%d list requests for 150 runners, want 2 pages", n)
	}
	var ident runnerIdentityModel
	if d := got[149].Identity.Get(context.Background(), &ident); d.HasError() || ident.ID.ValueString() != idString(ids[149]) {
		t.Errorf("last identity %v (%v), want %d", ident.ID, d, ids[149])
	}
	if got[0].DisplayName != fmt.Sprintf("seeded (instance_type #%d)", ids[0]) {
		t.Errorf("display name %q", got[0].DisplayName)
	}
	if !got[0].Resource.Raw.IsNull() {
		t.Error("resource object filled without include_resource")
	}

	// limit 5: one page of 5, five full reads, in order.
	before = e.srv.Stats()
	got = e.list(e.c, all, true, 5)
	st := e.srv.Stats()
	if len(got) != 5 || st.ByRoute["GET /api/v4/runners/all"]-before.ByRoute["GET /api/v4/runners/all"] != 1 ||
		st.ByRoute["GET /api/v4/runners/:id"]-before.ByRoute["GET /api/v4/runners/:id"] != 5 {
		t.Errorf("limit 5: %d results, requests %v", len(got), st.ByRoute)
	}
	for i, res := range got {
		var m runnerModel
		if d := res.Resource.Get(context.Background(), &m); d.HasError() {
			t.Fatalf("result %d: %v", i, d)
		}
		if m.ID.ValueString() != idString(ids[i]) || !m.Locked.ValueBool() || !m.Token.IsNull() || m.RunnerType.ValueString() != "instance_type" {
			t.Errorf("result %d: %+v", i, m)
		}
	}
}

func TestUnitRunnerListErrors(t *testing.T) {
	e := newListEnv(t)
	ctx := context.Background()
	u, err := e.c.CreateUser(ctx, gitlab.CreateUserOptions{Username: "plain", Name: "Plain", Email: "plain@example.com",
		ForceRandomPassword: true, SkipConfirmation: true})
	if err != nil {
		t.Fatal(err)
	}
	pat, err := e.c.CreatePersonalAccessToken(ctx, u.ID, "list", []string{"api"}, "")
	if err != nil {
		t.Fatal(err)
	}
	plain := e.c.WithToken(pat.Token)

	for name, tc := range map[string]struct {
		c     *gitlab.Client
		attrs map[string]tftypes.Value
		want  string
	}{
		"not an administrator": {plain, map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true)},
			"not an administrator"},
		"unknown group": {e.c, map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "no/such-group")},
			"group no/such-group was not found"},
		"two scopes": {e.c, map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true),
			"project": tftypes.NewValue(tftypes.String, "a/b")}, "Give at most one of all = true, group and project"},
	} {
		t.Run(name, func(t *testing.T) {
			got := e.list(tc.c, tc.attrs, false, 0)
			if len(got) != 1 || !got[0].Diagnostics.HasError() {
				t.Fatalf("want one result carrying an error, got %d results", len(got))
			}
			d := got[0].Diagnostics.Errors()[0]
			if !strings.Contains(d.Summary()+" "+d.Detail(), tc.want) {
				t.Errorf("error %q / %q lacks %q", d.Summary(), d.Detail(), tc.want)
			}
		})
	}
}
