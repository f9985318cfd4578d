package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const moveSourceProjectRunnerEnablement = "gitlab_project_runner_enablement"

// MoveState carries gitlab_project_runner_enablement over without touching
// GitLab (re-creating it would POST an assignment that already exists).
func (r *projectRunnerAssignmentResource) MoveState(_ context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveProjectRunnerAssignmentState}}
}

func moveProjectRunnerAssignmentState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	src, typ := checkMoveSource(req, "gitlabci_project_runner_assignment",
		[]string{moveSourceProjectRunnerEnablement}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m, err := assignmentModelFromMoveSource(src)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move "+typ+" to gitlabci_project_runner_assignment",
			fmt.Sprintf("The state of %s (schema version %d) could not be converted: %s. Remove it from the state "+
				"(`terraform state rm`) and import the assignment with `<project>:<runner_id>` instead.",
				typ, req.SourceSchemaVersion, err))
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	// With a project path the numeric id is unknown until Read resolves it,
	// and an identity with a null part would not identify anything.
	if resp.TargetIdentity != nil && !m.ProjectID.IsNull() {
		resp.Diagnostics.Append(resp.TargetIdentity.Set(ctx,
			assignmentIdentityFromIDs(m.ProjectID.ValueInt64(), m.RunnerID.ValueInt64()))...)
	}
}

// assignmentModelFromMoveSource reads `project` and `runner_id`, falling
// back to the `<project>:<runner_id>` id the official provider builds.
// `project` is kept exactly as written, so a configuration that repeats it
// plans no change.
func assignmentModelFromMoveSource(src moveSource) (projectRunnerAssignmentModel, error) {
	r := &moveReader{src: src}
	project := moveNonEmpty(r.str("project"))
	runnerID := movePositive(r.integer("runner_id"))
	id := moveNonEmpty(r.str("id"))
	if r.err != nil {
		return projectRunnerAssignmentModel{}, r.err
	}
	if (project == nil || runnerID == nil) && id != nil {
		p, n, err := parseAssignmentImportID(*id)
		if err != nil {
			return projectRunnerAssignmentModel{}, err
		}
		if project == nil {
			project = &p
		}
		if runnerID == nil {
			runnerID = &n
		}
	}
	if project == nil || runnerID == nil {
		return projectRunnerAssignmentModel{}, fmt.Errorf("the state has neither project and runner_id nor an id of the form <project>:<runner_id>")
	}
	if err := checkProjectRef(*project); err != nil {
		return projectRunnerAssignmentModel{}, err
	}

	m := projectRunnerAssignmentModel{
		ID:        types.StringNull(),
		Project:   types.StringValue(*project),
		RunnerID:  types.Int64Value(*runnerID),
		ProjectID: types.Int64Null(),
	}
	if isNumericID(*project) {
		pid, _ := strconv.ParseInt(*project, 10, 64)
		m = assignmentModelFromIDs(m.Project, *runnerID, pid)
	}
	// For a path, Read fills project_id and id from the runner's projects.
	return m, nil
}
