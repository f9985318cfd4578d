package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ resource.Resource                = (*projectRunnerAssignmentResource)(nil)
	_ resource.ResourceWithConfigure   = (*projectRunnerAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*projectRunnerAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*projectRunnerAssignmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*projectRunnerAssignmentResource)(nil)
	_ resource.ResourceWithMoveState   = (*projectRunnerAssignmentResource)(nil)
)

// NewProjectRunnerAssignmentResource is the constructor registered with the provider.
func NewProjectRunnerAssignmentResource() resource.Resource {
	return &projectRunnerAssignmentResource{}
}

type projectRunnerAssignmentResource struct {
	data *ProviderData
}

type projectRunnerAssignmentModel struct {
	ID        types.String `tfsdk:"id"`
	Project   types.String `tfsdk:"project"`
	RunnerID  types.Int64  `tfsdk:"runner_id"`
	ProjectID types.Int64  `tfsdk:"project_id"`
}

type projectRunnerAssignmentIdentityModel struct {
	ProjectID types.Int64 `tfsdk:"project_id"`
	RunnerID  types.Int64 `tfsdk:"runner_id"`
}

func (r *projectRunnerAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_runner_assignment"
}

func (r *projectRunnerAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Enables an existing **project runner** for one more project " +
			"(`POST /projects/:id/runners`); destroying the resource disables it again " +
			"(`DELETE /projects/:id/runners/:runner_id`).\n\n" +
			"Requirements: the token's user must be a Maintainer of the target project and able to manage the " +
			"runner (Maintainer of one of its projects), or an administrator. Locked runners can only be assigned " +
			"by administrators.\n\n" +
			"What GitLab does not allow, and this resource rejects at plan time whenever `project` and `runner_id` " +
			"are known: group runners (`Runner is a group runner`), instance runners (they already serve every " +
			"project) and the runner's **owner project** (the project it was created in; it can never be " +
			"unassigned, only the runner deleted). An assignment that already exists is adopted, not reported as " +
			"an error.\n\n" +
			"Import with `<project>:<runner_id>`, where `<project>` is the numeric id or the full path " +
			"(`group/subgroup/project:42`); the id is split at the last colon. On Terraform/OpenTofu 1.12 and " +
			"later the resource can also be imported by identity (`project_id`, `runner_id`); `project` is then " +
			"set to the numeric id.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<project_id>:<runner_id>` with the numeric project id; usable as an import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project": schema.StringAttribute{
				MarkdownDescription: "Numeric id or full path (`group/subgroup/project`) of the project to enable the " +
					"runner for. Kept exactly as written. Changing it to another project replaces the resource; " +
					"changing only its spelling (the id of the same project instead of its path, or the path after a " +
					"rename) updates the state in place without touching GitLab.",
				Required:   true,
				Validators: []validator.String{projectRefValidator()},
			},
			"runner_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the project runner to assign. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "Numeric id of `project`, as GitLab resolved it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *projectRunnerAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"project_id": identityschema.Int64Attribute{
				Description:       "Numeric id of the project the runner is assigned to.",
				RequiredForImport: true,
			},
			"runner_id": identityschema.Int64Attribute{
				Description:       "Id of the runner.",
				RequiredForImport: true,
			},
		},
	}
}

func (r *projectRunnerAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan does two things the schema cannot:
//
//   - `project` accepts an id or a path, so a change of spelling is not a
//     change of project; only a different project requires replacement.
//   - when an assignment is about to be created and both values are known,
//     it asks GitLab about the runner so that impossible assignments fail at
//     plan time with an attribute error instead of a 403 during apply.
func (r *projectRunnerAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan projectRunnerAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !req.State.Raw.IsNull() {
		var state projectRunnerAssignmentModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if plan.Project.Equal(state.Project) {
			return
		}
		if !plan.Project.IsUnknown() && r.sameProject(ctx, state, plan.Project.ValueString()) {
			tflog.Debug(ctx, "project reference changed spelling only; updating in place", map[string]any{
				"old": state.Project.ValueString(), "new": plan.Project.ValueString(),
			})
			return
		}
		// Another project (or one not known yet): Terraform re-plans the
		// replacement as a create, which runs the checks below.
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("project"))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project_id"), types.Int64Unknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		return
	}

	if !r.data.requireUserToken(&resp.Diagnostics, assignmentTokenNeed("Assigning a runner to a project",
		"POST /projects/:id/runners")) {
		return
	}
	if r.data == nil || plan.Project.IsUnknown() || plan.RunnerID.IsUnknown() || plan.RunnerID.IsNull() {
		return
	}
	runnerID := plan.RunnerID.ValueInt64()
	runner, err := r.data.Client.GetRunner(ctx, runnerID)
	switch {
	case gitlab.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("runner_id"), "Runner not found", runnerNotFoundDetail(runnerID, err))
		return
	case err != nil:
		// The caller may be allowed to assign without reading (or GitLab is
		// unreachable right now); the apply reports GitLab's own answer.
		tflog.Debug(ctx, "cannot read the runner at plan time; skipping plan-time checks", map[string]any{"error": err.Error()})
		return
	}
	r.checkAssignable(ctx, runner, plan.Project.ValueString(), &resp.Diagnostics)
}

// assignmentTokenNeed is why managing an assignment needs a user token:
// every endpoint involved, even reading the runner, needs one.
func assignmentTokenNeed(action, endpoint string) userTokenNeed {
	return userTokenNeed{subject: action, call: action + " calls " + endpoint, scopes: "api"}
}

// sameProject reports whether ref names the project recorded in state:
// the numeric id, the recorded spelling in another case, or (asking GitLab)
// a path that resolves to the same id.
func (r *projectRunnerAssignmentResource) sameProject(ctx context.Context, state projectRunnerAssignmentModel, ref string) bool {
	if state.ProjectID.IsNull() || state.ProjectID.IsUnknown() {
		return strings.EqualFold(state.Project.ValueString(), ref)
	}
	if isNumericID(ref) {
		id, _ := strconv.ParseInt(ref, 10, 64)
		return id == state.ProjectID.ValueInt64()
	}
	if !isNumericID(state.Project.ValueString()) && strings.EqualFold(state.Project.ValueString(), ref) {
		return true // GitLab paths are case-insensitive
	}
	if r.data == nil {
		return false
	}
	p, err := r.data.Client.GetProject(ctx, ref)
	if err != nil {
		tflog.Debug(ctx, "cannot resolve project path at plan time", map[string]any{"project": ref, "error": err.Error()})
		return false
	}
	return p.ID == state.ProjectID.ValueInt64()
}

// checkAssignable rejects at plan time what GitLab would reject at apply,
// against the attribute to fix. An assignment that already exists is only
// checked for the owner project: GitLab's other refusals do not matter for
// an assignment that will be adopted.
func (r *projectRunnerAssignmentResource) checkAssignable(ctx context.Context, runner *gitlab.RunnerDetails, ref string, diags *diag.Diagnostics) {
	switch runner.RunnerType {
	case gitlab.RunnerTypeGroup:
		diags.AddAttributeError(path.Root("runner_id"), "Group runners cannot be assigned to projects",
			fmt.Sprintf("%s is a group runner (runner_type = group_type). GitLab only assigns project runners to "+
				"projects (POST /projects/:id/runners answers 403 \"Runner is a group runner\"); a group runner "+
				"already serves every project of its group that has group runners enabled.", runnerLabel(runner.ID)))
		return
	case gitlab.RunnerTypeInstance:
		diags.AddAttributeError(path.Root("runner_id"), "Instance runners cannot be assigned to projects",
			fmt.Sprintf("%s is an instance runner (runner_type = instance_type). It already serves every project "+
				"that has instance runners enabled; GitLab cannot assign it to a single project.", runnerLabel(runner.ID)))
		return
	}
	admin := r.lazyIsAdmin(ctx)
	if r.rejectOwnerProject(runner, ref, 0, admin, diags) {
		return
	}
	if _, assigned := findRunnerProject(runner, ref, 0); assigned {
		return
	}
	if runner.Locked && !admin() {
		diags.AddAttributeError(path.Root("runner_id"), "Runner is locked",
			fmt.Sprintf("%s is locked to its current projects; GitLab lets only administrators assign a locked "+
				"runner (POST /projects/:id/runners answers 403 \"Runner is locked\"). Unlock it (locked = false) "+
				"or use an administrator's token.", runnerLabel(runner.ID)))
	}
}

// rejectOwnerProject reports an error when the project is the runner's
// owner project. Non-administrators only see the projects they are members
// of, so the first listed project is known to be the owner only for an
// administrator; for others GitLab's own answer has to do.
func (r *projectRunnerAssignmentResource) rejectOwnerProject(runner *gitlab.RunnerDetails, ref string, projectID int64, admin func() bool, diags *diag.Diagnostics) bool {
	owner, ok := ownerProject(runner)
	if !ok || !projectMatches(owner, ref, projectID) || !admin() {
		return false
	}
	diags.AddAttributeError(path.Root("project"), "Project is the runner's owner project",
		fmt.Sprintf("Project %s is the owner project of %s (the project it was created in). A runner always "+
			"serves its owner project and GitLab refuses to unassign it (\"You cannot unassign a runner from the "+
			"owner project. Delete the runner instead\"), so there is nothing to manage here. Remove this "+
			"resource, or assign the runner to another project.", owner.PathWithNamespace, runnerLabel(runner.ID)))
	return true
}

// lazyIsAdmin asks GitLab (GET /user) at most once, and only if needed.
func (r *projectRunnerAssignmentResource) lazyIsAdmin(ctx context.Context) func() bool {
	var done, admin bool
	return func() bool {
		if done {
			return admin
		}
		done = true
		if r.data == nil {
			return false
		}
		u, err := r.data.Client.CurrentUser(ctx)
		if err != nil {
			tflog.Debug(ctx, "cannot read the current user", map[string]any{"error": err.Error()})
			return false
		}
		admin = u.IsAdmin
		return admin
	}
}

// ownerProject is the first project GitLab lists for a project runner.
func ownerProject(runner *gitlab.RunnerDetails) (gitlab.RunnerProject, bool) {
	if runner.RunnerType != gitlab.RunnerTypeProject || len(runner.Projects) == 0 {
		return gitlab.RunnerProject{}, false
	}
	return runner.Projects[0], true
}

// projectMatches compares a runner's project with a reference as written
// (numeric id or case-insensitive full path) or, when known, a resolved id.
func projectMatches(p gitlab.RunnerProject, ref string, projectID int64) bool {
	if projectID != 0 {
		return p.ID == projectID
	}
	if isNumericID(ref) {
		id, _ := strconv.ParseInt(ref, 10, 64)
		return p.ID == id
	}
	return strings.EqualFold(p.PathWithNamespace, ref)
}

// findRunnerProject finds the assignment in a runner's project list.
func findRunnerProject(runner *gitlab.RunnerDetails, ref string, projectID int64) (gitlab.RunnerProject, bool) {
	for _, p := range runner.Projects {
		if projectMatches(p, ref, projectID) {
			return p, true
		}
	}
	return gitlab.RunnerProject{}, false
}

// assignErrorDetail explains GitLab's 403 reasons for POST /projects/:id/runners.
func assignErrorDetail(err error) string {
	detail := apiErrorDetail(err)
	switch {
	case gitlab.IsGroupRunnerNotAssignable(err):
		return detail + "\n\nOnly project runners can be assigned to projects."
	case gitlab.IsRunnerLocked(err):
		return detail + "\n\nThe runner is locked to its current projects; unlock it (locked = false) or use an " +
			"administrator's token."
	case gitlab.IsNoAccessGranted(err):
		return detail + "\n\nThe token's user must be a Maintainer of one of the runner's projects (and of the target " +
			"project) to assign it."
	}
	return detail
}

func (r *projectRunnerAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan projectRunnerAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ref := plan.Project.ValueString()
	runnerID := plan.RunnerID.ValueInt64()
	if !r.data.requireUserToken(&resp.Diagnostics, assignmentTokenNeed("Assigning a runner to a project",
		"POST /projects/:id/runners")) {
		return
	}

	projectID, ok := r.resolveProjectID(ctx, ref, &resp.Diagnostics)
	if !ok {
		return
	}

	_, err := r.data.Client.AssignRunnerToProject(ctx, idString(projectID), runnerID)
	if err != nil {
		// The assignment may exist already: made outside Terraform (400 "has
		// already been taken", or 403 for a locked runner, which GitLab checks
		// first), or by a POST whose response was lost. Adopt it, but never
		// the owner project, which could not be unassigned on destroy.
		if !gitlab.IsAlreadyAssigned(err) && !gitlab.IsOutcomeUnknown(err) && !gitlab.IsForbidden(err) {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot assign %s to project %s", runnerLabel(runnerID), ref), assignErrorDetail(err))
			return
		}
		runner, gerr := r.data.Client.GetRunner(ctx, runnerID)
		if gerr != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot assign %s to project %s", runnerLabel(runnerID), ref),
				assignErrorDetail(err)+"\n\nReading the runner to check for an existing assignment failed too: "+gerr.Error())
			return
		}
		if _, found := findRunnerProject(runner, ref, projectID); !found {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot assign %s to project %s", runnerLabel(runnerID), ref), assignErrorDetail(err))
			return
		}
		if r.rejectOwnerProject(runner, ref, projectID, r.lazyIsAdmin(ctx), &resp.Diagnostics) {
			return
		}
		tflog.Info(ctx, "runner was already assigned to the project; adopting the assignment", map[string]any{
			"runner_id": runnerID, "project_id": projectID,
		})
	}

	state := assignmentModelFromIDs(plan.Project, runnerID, projectID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, assignmentIdentityFromIDs(projectID, runnerID))...)
}

// resolveProjectID turns a project reference into its id; a path costs one
// GET /projects/:path, which also yields a clear error for a typo.
func (r *projectRunnerAssignmentResource) resolveProjectID(ctx context.Context, ref string, diags *diag.Diagnostics) (int64, bool) {
	if isNumericID(ref) {
		id, _ := strconv.ParseInt(ref, 10, 64)
		return id, true
	}
	p, err := r.data.Client.GetProject(ctx, ref)
	if err != nil {
		diags.AddAttributeError(path.Root("project"), "Cannot find project "+ref, apiErrorDetail(err))
		return 0, false
	}
	return p.ID, true
}

func assignmentModelFromIDs(project types.String, runnerID, projectID int64) projectRunnerAssignmentModel {
	return projectRunnerAssignmentModel{
		ID:        types.StringValue(assignmentID(projectID, runnerID)),
		Project:   project,
		RunnerID:  types.Int64Value(runnerID),
		ProjectID: types.Int64Value(projectID),
	}
}

func assignmentIdentityFromIDs(projectID, runnerID int64) projectRunnerAssignmentIdentityModel {
	return projectRunnerAssignmentIdentityModel{
		ProjectID: types.Int64Value(projectID),
		RunnerID:  types.Int64Value(runnerID),
	}
}

func assignmentID(projectID, runnerID int64) string {
	return idString(projectID) + ":" + idString(runnerID)
}

func (r *projectRunnerAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state projectRunnerAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	runnerID := state.RunnerID.ValueInt64()
	if !r.data.requireUserToken(&resp.Diagnostics, assignmentTokenNeed("Reading a runner's project assignment",
		"GET /runners/:id")) {
		return
	}
	var knownID int64
	if !state.ProjectID.IsNull() && !state.ProjectID.IsUnknown() {
		knownID = state.ProjectID.ValueInt64()
	}

	runner, err := r.data.Client.GetRunner(ctx, runnerID)
	if gitlab.IsNotFound(err) {
		tflog.Warn(ctx, "runner no longer exists; removing the assignment from state", map[string]any{"runner_id": runnerID})
		removeAssignmentFromState(ctx, state, resp)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read "+runnerLabel(runnerID), err)
		return
	}
	p, found := findRunnerProject(runner, state.Project.ValueString(), knownID)
	if !found {
		tflog.Warn(ctx, "runner is no longer assigned to the project; removing the assignment from state", map[string]any{
			"runner_id": runnerID, "project": state.Project.ValueString(),
		})
		removeAssignmentFromState(ctx, state, resp)
		return
	}
	newState := assignmentModelFromIDs(state.Project, runnerID, p.ID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, assignmentIdentityFromIDs(p.ID, runnerID))...)
}

// removeAssignmentFromState drops the resource. The framework still
// requires an identity after a Read that follows an import, even when the
// Read removes the resource (so Terraform can report "cannot import
// non-existent remote object"): give it what the state knows.
func removeAssignmentFromState(ctx context.Context, state projectRunnerAssignmentModel, resp *resource.ReadResponse) {
	resp.State.RemoveResource(ctx)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, projectRunnerAssignmentIdentityModel{
			ProjectID: state.ProjectID,
			RunnerID:  state.RunnerID,
		})...)
	}
}

// Update only runs when `project` changed its spelling but not its meaning
// (see ModifyPlan); GitLab has nothing to change.
func (r *projectRunnerAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state projectRunnerAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	newState := assignmentModelFromIDs(plan.Project, state.RunnerID.ValueInt64(), state.ProjectID.ValueInt64())
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, assignmentIdentityFromIDs(state.ProjectID.ValueInt64(), state.RunnerID.ValueInt64()))...)
}

func (r *projectRunnerAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state projectRunnerAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	runnerID := state.RunnerID.ValueInt64()
	if !r.data.requireUserToken(&resp.Diagnostics, assignmentTokenNeed("Unassigning a runner from a project",
		"DELETE /projects/:id/runners/:runner_id")) {
		return
	}
	projectRef := state.Project.ValueString()
	var projectID int64
	if !state.ProjectID.IsNull() && !state.ProjectID.IsUnknown() {
		projectID = state.ProjectID.ValueInt64()
		projectRef = idString(projectID)
	}

	err := r.data.Client.UnassignRunnerFromProject(ctx, projectRef, runnerID)
	switch {
	case err == nil, gitlab.IsNotFound(err):
		return
	case gitlab.IsForbidden(err):
		// The project can have become the owner project: GitLab hands
		// ownership to the oldest remaining project when the owner project
		// is deleted. It refuses to unassign an owner project, and deleting
		// the runner is not this resource's business: leave the runner
		// assigned, say so, and forget it.
		runner, gerr := r.data.Client.GetRunner(ctx, runnerID)
		if gerr == nil {
			if owner, ok := ownerProject(runner); ok && projectMatches(owner, projectRef, projectID) {
				resp.Diagnostics.AddWarning("Runner left assigned to its owner project",
					ownerProjectUnassignDetail(owner.PathWithNamespace, runnerID, err))
				return
			}
		}
	}
	addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot unassign %s from project %s", runnerLabel(runnerID), projectRef), err)
}

func (r *projectRunnerAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// An empty import id without an identity (`terraform import <addr> ""`)
	// is a bad id like any other, not an identity import.
	if req.ID == "" && importIdentityGiven(req) {
		var id projectRunnerAssignmentIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if id.ProjectID.ValueInt64() < 1 || id.RunnerID.ValueInt64() < 1 {
			resp.Diagnostics.AddError("Invalid import identity", "project_id and runner_id must be positive ids.")
			return
		}
		st := assignmentModelFromIDs(types.StringValue(idString(id.ProjectID.ValueInt64())), id.RunnerID.ValueInt64(), id.ProjectID.ValueInt64())
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
		return
	}

	project, runnerID, err := parseAssignmentImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	st := projectRunnerAssignmentModel{
		ID:        types.StringNull(),
		Project:   types.StringValue(project),
		RunnerID:  types.Int64Value(runnerID),
		ProjectID: types.Int64Null(),
	}
	if isNumericID(project) {
		pid, _ := strconv.ParseInt(project, 10, 64)
		st.ProjectID = types.Int64Value(pid)
		st.ID = types.StringValue(assignmentID(pid, runnerID))
	}
	// For a path, Read fills project_id and id from the runner's projects.
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

// parseAssignmentImportID splits "<project>:<runner_id>". A project path
// cannot contain a colon but a future id scheme might, so the split is at
// the last colon.
func parseAssignmentImportID(id string) (string, int64, error) {
	i := strings.LastIndex(id, ":")
	if i < 0 {
		return "", 0, fmt.Errorf("%q is not of the form <project>:<runner_id> (for example group/project:42 or 123:42)", id)
	}
	project, runner := id[:i], id[i+1:]
	if err := checkProjectRef(project); err != nil {
		return "", 0, fmt.Errorf("%q: %w", id, err)
	}
	n, err := strconv.ParseInt(runner, 10, 64)
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("%q: runner id %q is not a positive number", id, runner)
	}
	return project, n, nil
}
