package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
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
