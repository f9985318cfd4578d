package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerDataSource)(nil)

// NewRunnerDataSource is gitlabci_runner: GET /runners/:id.
func NewRunnerDataSource() datasource.DataSource { return &runnerDataSource{} }

type runnerDataSource struct {
	data *ProviderData
}

type runnerDataSourceModel struct {
	ID                 types.Int64  `tfsdk:"id"`
	Description        types.String `tfsdk:"description"`
	Name               types.String `tfsdk:"name"`
	Paused             types.Bool   `tfsdk:"paused"`
	Active             types.Bool   `tfsdk:"active"`
	IsShared           types.Bool   `tfsdk:"is_shared"`
	RunnerType         types.String `tfsdk:"runner_type"`
	Online             types.Bool   `tfsdk:"online"`
	Status             types.String `tfsdk:"status"`
	IPAddress          types.String `tfsdk:"ip_address"`
	CreatedBy          types.Object `tfsdk:"created_by"`
	CreatedAt          types.String `tfsdk:"created_at"`
	JobExecutionStatus types.String `tfsdk:"job_execution_status"`
	TagList            types.Set    `tfsdk:"tag_list"`
	RunUntagged        types.Bool   `tfsdk:"run_untagged"`
	Locked             types.Bool   `tfsdk:"locked"`
	MaximumTimeout     types.Int64  `tfsdk:"maximum_timeout"`
	AccessLevel        types.String `tfsdk:"access_level"`
	Version            types.String `tfsdk:"version"`
	Revision           types.String `tfsdk:"revision"`
	Platform           types.String `tfsdk:"platform"`
	Architecture       types.String `tfsdk:"architecture"`
	ContactedAt        types.String `tfsdk:"contacted_at"`
	MaintenanceNote    types.String `tfsdk:"maintenance_note"`
	Projects           types.List   `tfsdk:"projects"`
	Groups             types.List   `tfsdk:"groups"`
	TokenExpiresAt     types.String `tfsdk:"token_expires_at"`
}

func (d *runnerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner"
}

func runnerCreatorAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":         dsInt64("User id."),
		"username":   dsString("Username."),
		"name":       dsString("Display name."),
		"state":      dsString("Account state, such as `active` or `blocked`."),
		"avatar_url": dsString("Avatar URL; null when the user has none."),
		"web_url":    dsString("Profile URL."),
	}
}

func runnerProjectAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                  dsInt64("Project id."),
		"name":                dsString("Project name."),
		"name_with_namespace": dsString("Project name with its namespace, such as `Acme / Platform / API`."),
		"path":                dsString("Project path."),
		"path_with_namespace": dsString("Full path, such as `acme/platform/api`."),
	}
}

func runnerGroupAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":      dsInt64("Group id."),
		"web_url": dsString("Group URL."),
		"name":    dsString("Group name."),
	}
}

var (
	runnerCreatorType = schema.SingleNestedAttribute{Attributes: runnerCreatorAttributes()}.GetType().(types.ObjectType)
	runnerProjectType = schema.NestedAttributeObject{Attributes: runnerProjectAttributes()}.Type().(types.ObjectType)
	runnerGroupType   = schema.NestedAttributeObject{Attributes: runnerGroupAttributes()}.Type().(types.ObjectType)
)

func (d *runnerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one runner with every field of GitLab's runner details (`GET /runners/:id`). " +
			"Instance runners are readable by any user; group runners need the Maintainer role in the group, project " +
			"runners the Maintainer role in one of their projects; administrators can read every runner. A token " +
			"with the `read_api`, `api` or `manage_runner` scope works.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				MarkdownDescription: "Runner id.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"description": dsString("Runner description."),
			"name":        dsString("Name the runner reported when it registered; null for runners created through the API."),
			"paused":      dsBool("Whether the runner ignores new jobs."),
			"active": schema.BoolAttribute{
				MarkdownDescription: "Deprecated by GitLab (the opposite of `paused`); use `paused`.",
				Computed:            true,
				DeprecationMessage:  "GitLab deprecated `active`; use `paused` (active == !paused).",
			},
			"is_shared":   dsBool("`true` only for instance runners."),
			"runner_type": dsString("`instance_type`, `group_type` or `project_type`."),
			"online":      dsBool("Whether the runner contacted GitLab within the last 2 hours."),
			"status": dsString("`online`, `offline`, `stale` (no contact, or created, more than 7 days ago), " +
				"`never_contacted` or `paused`, as GitLab computes it."),
			"ip_address": schema.StringAttribute{
				MarkdownDescription: "Deprecated by GitLab 16.1 and empty (or null) since GitLab 17.0; each runner " +
					"manager reports its own address (see `gitlabci_runner_managers`).",
				Computed:           true,
				DeprecationMessage: "GitLab no longer fills the runner's ip_address; read ip_address of gitlabci_runner_managers.",
			},
			"created_by": schema.SingleNestedAttribute{
				MarkdownDescription: "The user who created the runner; null when GitLab does not say (runners " +
					"registered with a registration token, older GitLab releases).",
				Computed:   true,
				Attributes: runnerCreatorAttributes(),
			},
			"created_at":           dsString("Creation time, RFC 3339 in UTC."),
			"job_execution_status": dsString("`active` while the runner runs a job, else `idle`; null on GitLab releases that do not report it."),
			"tag_list": schema.SetAttribute{
				MarkdownDescription: "The runner's tags (a set: GitLab's tag order carries no meaning).",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"run_untagged":    dsBool("Whether the runner picks up jobs without tags."),
			"locked":          dsBool("Whether the runner is locked to its current projects."),
			"maximum_timeout": dsInt64("Maximum job timeout in seconds; null when unset."),
			"access_level":    dsString("`not_protected` or `ref_protected` (only jobs of protected branches and tags)."),
			"version": dsString("Runner version, from the most recently contacted runner manager; null before " +
				"the runner first contacts GitLab. Deprecated by GitLab 17.0 in favour of the managers' own fields."),
			"revision":     dsString("Runner revision, from the most recently contacted runner manager; null before first contact."),
			"platform":     dsString("Runner platform (such as `linux`), from the most recently contacted runner manager; null before first contact."),
			"architecture": dsString("Runner architecture (such as `amd64`), from the most recently contacted runner manager; null before first contact."),
			"contacted_at": dsString("Last contact with GitLab, RFC 3339 in UTC; null when it never contacted GitLab."),
			"maintenance_note": dsString("Free-form maintenance note; null when unset or when the token's user " +
				"may read but not update the runner (GitLab hides it from them)."),
			"projects": schema.ListNestedAttribute{
				MarkdownDescription: "Projects of a project runner, the owner project first; empty for other runner types.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: runnerProjectAttributes()},
			},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The group of a group runner; empty for other runner types.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: runnerGroupAttributes()},
			},
			"token_expires_at": dsString("When the runner's authentication token expires, RFC 3339 in UTC; " +
				"null when it never expires or when GitLab does not report it (releases before late 18.x)."),
		},
	}
}

func (d *runnerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *runnerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m runnerDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ID.ValueInt64()
	r, err := d.data.Client.GetRunner(ctx, id)
	if err == nil {
		err = checkRunnerAnswer(id, r)
	}
	if err != nil {
		addRunnerReadError(&resp.Diagnostics, "id", id, "GET /runners/:id", runnerReadAccess, err)
		return
	}
	state := runnerDataSourceModelFromAPI(r)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// checkRunnerAnswer refuses a GET /runners/:id answer that is not the
// runner asked for (a null or empty 200 decodes to runner 0), so garbage
// never becomes data or state.
func checkRunnerAnswer(id int64, r *gitlab.RunnerDetails) error {
	if r == nil || r.ID != id {
		got := int64(0)
		if r != nil {
			got = r.ID
		}
		return fmt.Errorf("GET /runners/%d: GitLab's 200 answer is not runner %d (it decodes to id %d): not trusted", id, id, got)
	}
	return nil
}

// runnerReadAccess is who may call GET /runners/:id and the endpoints that
// share its permission (managers).
const runnerReadAccess = "an administrator for any runner; for a group runner the Maintainer role in its group; " +
	"for a project runner the Maintainer role in one of its projects; instance runners are readable by every user"

func runnerDataSourceModelFromAPI(r *gitlab.RunnerDetails) runnerDataSourceModel {
	m := runnerDataSourceModel{
		ID:                 types.Int64Value(r.ID),
		Description:        types.StringValue(r.Description),
		Name:               stringValueOrNull(r.Name),
		Paused:             types.BoolValue(r.Paused),
		Active:             types.BoolValue(r.Active),
		IsShared:           types.BoolValue(r.IsShared),
		RunnerType:         types.StringValue(r.RunnerType),
		Online:             boolValueOrNull(r.Online),
		Status:             types.StringValue(r.Status),
		IPAddress:          stringValueOrNull(r.IPAddress),
		CreatedBy:          types.ObjectNull(runnerCreatorType.AttrTypes),
		CreatedAt:          timeValueOrNull(r.CreatedAt),
		JobExecutionStatus: nonEmptyStringOrNull(r.JobExecutionStatus),
		RunUntagged:        types.BoolValue(r.RunUntagged),
		Locked:             types.BoolValue(r.Locked),
		MaximumTimeout:     int64ValueOrNull(r.MaximumTimeout),
		AccessLevel:        types.StringValue(r.AccessLevel),
		Version:            stringValueOrNull(r.Version),
		Revision:           stringValueOrNull(r.Revision),
		Platform:           stringValueOrNull(r.Platform),
		Architecture:       stringValueOrNull(r.Architecture),
		ContactedAt:        timeValueOrNull(r.ContactedAt),
		MaintenanceNote:    stringValueOrNull(r.MaintenanceNote),
		TokenExpiresAt:     timeValueOrNull(r.TokenExpiresAt),
	}
	if u := r.CreatedBy; u != nil {
		m.CreatedBy = types.ObjectValueMust(runnerCreatorType.AttrTypes, map[string]attr.Value{
			"id":         types.Int64Value(u.ID),
			"username":   types.StringValue(u.Username),
			"name":       types.StringValue(u.Name),
			"state":      types.StringValue(u.State),
			"avatar_url": stringValueOrNull(u.AvatarURL),
			"web_url":    types.StringValue(u.WebURL),
		})
	}
	tags := make([]attr.Value, len(r.TagList))
	for i, t := range r.TagList {
		tags[i] = types.StringValue(t)
	}
	m.TagList = types.SetValueMust(types.StringType, tags)
	m.Projects = objectListFromAPI(runnerProjectType, r.Projects, func(p gitlab.RunnerProject) types.Object {
		return types.ObjectValueMust(runnerProjectType.AttrTypes, map[string]attr.Value{
			"id":                  types.Int64Value(p.ID),
			"name":                types.StringValue(p.Name),
			"name_with_namespace": types.StringValue(p.NameWithNamespace),
			"path":                types.StringValue(p.Path),
			"path_with_namespace": types.StringValue(p.PathWithNamespace),
		})
	})
	m.Groups = objectListFromAPI(runnerGroupType, r.Groups, func(g gitlab.RunnerGroup) types.Object {
		return types.ObjectValueMust(runnerGroupType.AttrTypes, map[string]attr.Value{
			"id":      types.Int64Value(g.ID),
			"web_url": types.StringValue(g.WebURL),
			"name":    types.StringValue(g.Name),
		})
	})
	return m
}
