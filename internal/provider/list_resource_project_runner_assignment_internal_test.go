package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func (e *listEnv) listAssignments(c *gitlab.Client, runnerID int64) []list.ListResult {
	e.t.Helper()
	ctx := context.Background()
	r := &assignmentListResource{data: &ProviderData{Client: c, HasToken: true}}
	var sresp list.ListResourceSchemaResponse
	r.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &sresp)
	var rs resource.SchemaResponse
	(&projectRunnerAssignmentResource{}).Schema(ctx, resource.SchemaRequest{}, &rs)
	var is resource.IdentitySchemaResponse
	(&projectRunnerAssignmentResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &is)
	typ := sresp.Schema.Type().TerraformType(ctx)
	var stream list.ListResultsStream
	r.List(ctx, list.ListRequest{
		Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
			"runner_id": tftypes.NewValue(tftypes.Number, runnerID),
		})},
		IncludeResource:        true,
		ResourceSchema:         rs.Schema,
		ResourceIdentitySchema: is.IdentitySchema,
	}, &stream)
	var out []list.ListResult
	for res := range stream.Results {
		out = append(out, res)
	}
	return out
}

// An administrator sees every project of a runner, the owner first, and the
// owner is not an assignment. A Maintainer sees only the projects they are a
// member of, so GitLab's first project is not necessarily the owner and
// nothing is left out.
func TestUnitAssignmentListOwnerProject(t *testing.T) {
	e := newListEnv(t)
	ctx := context.Background()
	var projects []*gitlab.Project
	for i := range 3 {
		p, err := e.c.CreateProject(ctx, gitlab.CreateProjectOptions{Name: fmt.Sprintf("p%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		projects = append(projects, p)
	}
	runner, err := e.c.CreateUserRunner(ctx, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &projects[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects[1:] {
		if _, err := e.c.AssignRunnerToProject(ctx, idString(p.ID), runner.ID); err != nil {
			t.Fatal(err)
		}
	}

	got := e.listAssignments(e.c, runner.ID)
	if len(got) != 2 {
		t.Fatalf("admin: %d results, want the 2 assignments", len(got))
	}
	for i, res := range got {
		var m projectRunnerAssignmentModel
		if d := res.Resource.Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		p := projects[i+1]
		if m.ProjectID.ValueInt64() != p.ID || m.Project.ValueString() != idString(p.ID) ||
			m.ID.ValueString() != assignmentID(p.ID, runner.ID) || res.DisplayName != fmt.Sprintf("%s: runner #%d", p.PathWithNamespace, runner.ID) {
			t.Errorf("result %d: %+v %q", i, m, res.DisplayName)
		}
	}

	// A Maintainer of the last project only.
	u, err := e.c.CreateUser(ctx, gitlab.CreateUserOptions{Username: "maint", Name: "M", Email: "m@example.com",
		ForceRandomPassword: true, SkipConfirmation: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.AddProjectMember(ctx, idString(projects[2].ID), u.ID, gitlab.AccessMaintainer); err != nil {
		t.Fatal(err)
	}
	pat, err := e.c.CreatePersonalAccessToken(ctx, u.ID, "t", []string{"api"}, "")
	if err != nil {
		t.Fatal(err)
	}
	got = e.listAssignments(e.c.WithToken(pat.Token), runner.ID)
	if len(got) != 1 || got[0].Diagnostics.HasError() {
		t.Fatalf("maintainer: %d results (%v), want the one visible project", len(got), got)
	}
}
