package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// Source types of GitLab's provider that become a gitlabci_runner.
const (
	moveSourceUserRunner = "gitlab_user_runner"
	// gitlab_runner is the registration-token resource, removed in the
	// official provider's 19.0.
	moveSourceRunner = "gitlab_runner"
)

// MoveState carries a runner managed by GitLab's provider over to this one
// (`moved { from = gitlab_user_runner.x  to = gitlabci_runner.x }`) without
// any API call: GitLab returns a runner's authentication token only when it
// is created, so the token in the source state is the one thing that cannot
// be recovered by importing. Read, which the CLI runs right after the move,
// fills everything the source did not record.
func (r *runnerResource) MoveState(_ context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveRunnerState}}
}

func moveRunnerState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	src, typ := checkMoveSource(req, "gitlabci_runner", []string{moveSourceUserRunner, moveSourceRunner}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m, err := runnerModelFromMoveSource(ctx, typ, src)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move "+typ+" to gitlabci_runner",
			fmt.Sprintf("The state of %s (schema version %d) could not be converted: %s. Remove it from the state "+
				"(`terraform state rm`) and import the runner instead; its token cannot be recovered that way.",
				typ, req.SourceSchemaVersion, err))
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	if resp.TargetIdentity != nil {
		resp.Diagnostics.Append(resp.TargetIdentity.Set(ctx, runnerIdentityModel{ID: m.ID})...)
	}
}

// runnerModelFromMoveSource maps the official provider's attributes to
// gitlabci_runner's. Values the source lacks get this resource's defaults;
// Read replaces them with GitLab's, so they never reach a plan.
//
// The registration token of gitlab_runner is dropped: here it would force a
// new runner whenever the configuration does not repeat it, and the moved
// runner is configured by scope (runner_type, group_id/project_id), which
// Read learns from GitLab.
func runnerModelFromMoveSource(ctx context.Context, typ string, src moveSource) (runnerModel, error) {
	r := &moveReader{src: src}
	idStr := r.str("id")
	if r.err != nil {
		return runnerModel{}, r.err
	}
	if idStr == nil {
		return runnerModel{}, fmt.Errorf("the state has no id")
	}
	var d diag.Diagnostics
	id, ok := parseRunnerID(*idStr, path.Root("id"), &d)
	if !ok {
		return runnerModel{}, fmt.Errorf("id %q is not a runner id", *idStr)
	}

	var (
		runnerType  *string
		groupID     *int64
		projectID   *int64
		runUntagged *bool
		token       *string
		note        *string
	)
	switch typ {
	case moveSourceUserRunner:
		runnerType = moveNonEmpty(r.str("runner_type"))
		groupID = movePositive(r.integer("group_id"))
		projectID = movePositive(r.integer("project_id"))
		runUntagged = r.boolean("untagged")
		token = moveNonEmpty(r.str("token"))
		note = moveNonEmpty(r.str("maintenance_note"))
	case moveSourceRunner:
		// The registration token decided the scope; GitLab tells Read.
		runUntagged = r.boolean("run_untagged")
		token = moveNonEmpty(r.str("authentication_token"))
		// Not in the SDKv2 schema, but harmless if a fork recorded it.
		note = moveNonEmpty(r.str("maintenance_note"))
	}
	description := r.str("description")
	paused := r.boolean("paused")
	locked := r.boolean("locked")
	tags := r.stringList("tag_list")
	accessLevel := moveNonEmpty(r.str("access_level"))
	maxTimeout := movePositive(r.integer("maximum_timeout"))
	expires := r.timestamp("token_expires_at")
	if r.err != nil {
		return runnerModel{}, r.err
	}
	if runnerType != nil && !slices.Contains(gitlab.RunnerTypes, *runnerType) {
		return runnerModel{}, fmt.Errorf("runner_type %q is not one of %v", *runnerType, gitlab.RunnerTypes)
	}

	m := runnerModel{
		ID:                         types.StringValue(idString(id)),
		RunnerType:                 stringValueOrNull(runnerType),
		GroupID:                    int64ValueOrNull(groupID),
		ProjectID:                  int64ValueOrNull(projectID),
		RegistrationToken:          types.StringNull(),
		RegistrationTokenWO:        types.StringNull(),
		RegistrationTokenWOVersion: types.Int64Null(),
		Description:                types.StringValue(moveStringOr(description, "")),
		Paused:                     types.BoolValue(moveBoolOr(paused, false)),
		Locked:                     types.BoolValue(moveBoolOr(locked, false)),
		RunUntagged:                types.BoolValue(moveBoolOr(runUntagged, true)),
		AccessLevel:                types.StringValue(moveStringOr(accessLevel, gitlab.AccessLevelNotProtected)),
		MaximumTimeout:             int64ValueOrNull(maxTimeout),
		MaintenanceNote:            stringValueOrNull(note),
		Token:                      stringValueOrNull(token),
		TokenExpiresAt:             timeValueOrNull(expires),
		IsShared:                   types.BoolNull(),
		CreatedAt:                  types.StringNull(),
	}
	if runnerType != nil {
		m.IsShared = types.BoolValue(*runnerType == gitlab.RunnerTypeInstance)
	}
	set, diags := stringSetValue(ctx, tags)
	if diags.HasError() {
		return runnerModel{}, fmt.Errorf("tag_list: %v", diags)
	}
	m.TagList = set
	return m, nil
}

func moveStringOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func moveBoolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}
