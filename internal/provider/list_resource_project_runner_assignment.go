package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ list.ListResource              = (*assignmentListResource)(nil)
	_ list.ListResourceWithConfigure = (*assignmentListResource)(nil)
)

// NewProjectRunnerAssignmentListResource is the list resource
// gitlabci_project_runner_assignment: the projects one project runner is
// assigned to, for bulk import next to the runner itself.
func NewProjectRunnerAssignmentListResource() list.ListResource {
	return &assignmentListResource{}
}

type assignmentListResource struct {
	data *ProviderData
}

type assignmentListConfigModel struct {
	RunnerID types.Int64 `tfsdk:"runner_id"`
}

func (r *assignmentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_runner_assignment"
}

func (r *assignmentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the projects a project runner is assigned to, for `terraform query` (Terraform " +
			"1.14 and later), so the assignments can be imported in bulk with the runner " +
			"(`terraform query -generate-config-out=...`). One request: `GET /runners/:id` lists the runner's projects.\n\n" +
			"The runner's owner project (the project it was created in) is left out when the token's user is an " +
			"administrator: it is not an assignment, GitLab never unassigns it. Other users only see the projects they " +
			"are members of, so GitLab's list does not tell which one is the owner: review the results. Each result " +
			"is identified by `project_id` and `runner_id`; `project` is set to the numeric project id (what an " +
			"import by identity records), and the display name shows the project's path.",
		Attributes: map[string]schema.Attribute{
			"runner_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the project runner whose project assignments to list.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (r *assignmentListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// isAdmin tells whether GitLab listed the runner's projects to an
// administrator, for whom the first one is the owner project.
func (r *assignmentListResource) isAdmin(ctx context.Context) bool {
	u, err := r.data.Client.CurrentUser(ctx)
	if err != nil {
		tflog.Debug(ctx, "cannot read the current user; keeping every listed project", map[string]any{"error": err.Error()})
		return false
	}
	return u.IsAdmin
}

func (r *assignmentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg assignmentListConfigModel
	diags := req.Config.Get(ctx, &cfg)
	if r.data == nil {
		diags.AddError("Provider not configured", "The provider was not configured before listing runner assignments.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	runnerID := cfg.RunnerID.ValueInt64()

	stream.Results = func(push func(list.ListResult) bool) {
		runner, err := r.data.Client.GetRunner(ctx, runnerID)
		if err != nil {
			var ed diag.Diagnostics
			addReadError(&ed, accessProblem{
				attribute: path.Root("runner_id"),
				summary:   "Cannot read " + runnerLabel(runnerID),
				notFound: runnerLabel(runnerID) + " does not exist or the token's user cannot see it (GET /runners/:id " +
					"needs the Maintainer role in one of the runner's projects, or an administrator).",
				forbidden: "The token's user may not read " + runnerLabel(runnerID) + " (GET /runners/:id needs the " +
					"Maintainer role in one of the runner's projects, or an administrator).",
			}, err)
			push(list.ListResult{Diagnostics: ed})
			return
		}
		if runner.RunnerType != gitlab.RunnerTypeProject {
			var ed diag.Diagnostics
			ed.AddAttributeError(path.Root("runner_id"), "Not a project runner",
				fmt.Sprintf("%s is a %s runner. Only project runners are assigned to projects; a group runner serves its "+
					"group's projects and an instance runner every project without an assignment.",
					runnerLabel(runnerID), runner.RunnerType))
			push(list.ListResult{Diagnostics: ed})
			return
		}
		projects := runner.Projects
		if _, ok := ownerProject(runner); ok && r.isAdmin(ctx) {
			projects = projects[1:]
		}
		var sent int64
		for _, p := range projects {
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s: runner #%d", p.PathWithNamespace, runnerID)
			result.Diagnostics.Append(result.Identity.Set(ctx, assignmentIdentityFromIDs(p.ID, runnerID))...)
			if req.IncludeResource {
				m := assignmentModelFromIDs(types.StringValue(idString(p.ID)), runnerID, p.ID)
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			sent++
			if !push(result) {
				return
			}
		}
	}
}
