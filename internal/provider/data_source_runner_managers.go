package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerManagersDataSource)(nil)

// NewRunnerManagersDataSource is gitlabci_runner_managers: GET /runners/:id/managers.
func NewRunnerManagersDataSource() datasource.DataSource { return &runnerManagersDataSource{} }

type runnerManagersDataSource struct {
	data *ProviderData
}

type runnerManagersDataSourceModel struct {
	RunnerID types.Int64 `tfsdk:"runner_id"`
	Managers types.List  `tfsdk:"managers"`
}

func (d *runnerManagersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_managers"
}

func runnerManagerAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                   dsInt64("Runner manager id."),
		"system_id":            dsString("System identifier of the machine the runner process runs on (`s_` + hex for generated ids)."),
		"version":              dsString("gitlab-runner version the manager reported; null if it did not."),
		"revision":             dsString("gitlab-runner revision the manager reported; null if it did not."),
		"platform":             dsString("Platform the manager reported, such as `linux`; null if it did not."),
		"architecture":         dsString("Architecture the manager reported, such as `amd64`; null if it did not."),
		"ip_address":           dsString("IP address the manager last contacted GitLab from; null if unknown."),
		"status":               dsString("`online`, `offline`, `stale` or `never_contacted`, as GitLab computes it for this manager."),
		"created_at":           dsString("When the manager first contacted GitLab, RFC 3339 in UTC."),
		"contacted_at":         dsString("Last contact, RFC 3339 in UTC; null if never."),
		"job_execution_status": dsString("`active` while the manager runs a job, else `idle`; null on GitLab releases that do not report it."),
	}
}

var runnerManagerType = schema.NestedAttributeObject{Attributes: runnerManagerAttributes()}.Type().(types.ObjectType)

func (d *runnerManagersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the managers of a runner (`GET /runners/:id/managers`): one per machine " +
			"(`system_id`) that runs the runner with its authentication token, with the version, platform and " +
			"address each reported. Needs the same access as reading the runner: " + runnerReadAccess + ".",
		Attributes: map[string]schema.Attribute{
			"runner_id": schema.Int64Attribute{
				MarkdownDescription: "Runner id.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"managers": schema.ListNestedAttribute{
				MarkdownDescription: "The runner's managers in GitLab's order; empty until a runner process first " +
					"contacts GitLab with the token.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: runnerManagerAttributes()},
			},
		},
	}
}

func (d *runnerManagersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *runnerManagersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m runnerManagersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.RunnerID.ValueInt64()
	managers, err := d.data.Client.ListRunnerManagers(ctx, id)
	if err != nil {
		addRunnerReadError(&resp.Diagnostics, "runner_id", id, "GET /runners/:id/managers", runnerReadAccess, err)
		return
	}
	m.Managers = objectListFromAPI(runnerManagerType, managers, runnerManagerObjectFromAPI)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func runnerManagerObjectFromAPI(mg gitlab.RunnerManager) types.Object {
	return types.ObjectValueMust(runnerManagerType.AttrTypes, map[string]attr.Value{
		"id":                   types.Int64Value(mg.ID),
		"system_id":            types.StringValue(mg.SystemID),
		"version":              stringValueOrNull(mg.Version),
		"revision":             stringValueOrNull(mg.Revision),
		"platform":             stringValueOrNull(mg.Platform),
		"architecture":         stringValueOrNull(mg.Architecture),
		"ip_address":           stringValueOrNull(mg.IPAddress),
		"status":               types.StringValue(mg.Status),
		"created_at":           timeValueOrNull(mg.CreatedAt),
		"contacted_at":         timeValueOrNull(mg.ContactedAt),
		"job_execution_status": nonEmptyStringOrNull(mg.JobExecutionStatus),
	})
}
