package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerJobsDataSource)(nil)

// NewRunnerJobsDataSource is gitlabci_runner_jobs: GET /runners/:id/jobs.
func NewRunnerJobsDataSource() datasource.DataSource { return &runnerJobsDataSource{} }

type runnerJobsDataSource struct {
	data *ProviderData
}

type runnerJobsDataSourceModel struct {
	RunnerID types.Int64  `tfsdk:"runner_id"`
	Status   types.String `tfsdk:"status"`
	SystemID types.String `tfsdk:"system_id"`
	OrderBy  types.String `tfsdk:"order_by"`
	Sort     types.String `tfsdk:"sort"`
	MaxJobs  types.Int64  `tfsdk:"max_jobs"`
	Jobs     types.List   `tfsdk:"jobs"`
}

// A runner's job list grows without limit (a busy runner runs thousands of
// jobs a day), so reading it is bounded unless the configuration says more.
const (
	defaultMaxJobs = 1000
	maxMaxJobs     = 100000
)

// runnerJobsAccess is who may call GET /runners/:id/jobs (read_builds).
const runnerJobsAccess = "an administrator, or for a group runner the Maintainer role in its group, for a " +
	"project runner the Maintainer role in one of its projects; jobs are limited to projects where the user is " +
	"at least Reporter"

func (d *runnerJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_jobs"
}

func runnerJobProjectAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                  dsInt64("Project id."),
		"path_with_namespace": dsString("Full path of the project, such as `acme/platform/api`."),
	}
}

func runnerJobAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          dsInt64("Job id."),
		"status":      dsString("Job status, such as `running`, `success`, `failed` or `canceled`."),
		"stage":       dsString("Pipeline stage of the job."),
		"name":        dsString("Job name."),
		"ref":         dsString("Branch or tag the job ran for."),
		"created_at":  dsString("Creation time, RFC 3339 in UTC."),
		"started_at":  dsString("Start time, RFC 3339 in UTC; null while the job has not started."),
		"finished_at": dsString("End time, RFC 3339 in UTC; null while the job has not finished."),
		"duration":    schema.Float64Attribute{MarkdownDescription: "Run time in seconds; null before the job started.", Computed: true},
		"web_url":     dsString("Job page URL."),
		"project": schema.SingleNestedAttribute{
			MarkdownDescription: "The project the job belongs to.",
			Computed:            true,
			Attributes:          runnerJobProjectAttributes(),
		},
		"pipeline_id": dsInt64("Id of the job's pipeline."),
	}
}

var (
	runnerJobType        = schema.NestedAttributeObject{Attributes: runnerJobAttributes()}.Type().(types.ObjectType)
	runnerJobProjectType = runnerJobType.AttrTypes["project"].(types.ObjectType)
)

func (d *runnerJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the jobs a runner is running or has run (`GET /runners/:id/jobs`), newest first " +
			"unless `sort = \"asc\"`, at most `max_jobs` of them. Needs " + runnerJobsAccess + ".",
		Attributes: map[string]schema.Attribute{
			"runner_id": schema.Int64Attribute{
				MarkdownDescription: "Runner id.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only jobs with this status, for example `running`, `success`, `failed` or `canceled`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(gitlab.JobStatuses...)},
			},
			"system_id": schema.StringAttribute{
				MarkdownDescription: "Only jobs run by the runner manager with this system id (see `gitlabci_runner_managers`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"order_by": schema.StringAttribute{
				MarkdownDescription: "Order jobs by this field, sent as GitLab's `order_by`. GitLab supports only `id`, " +
					"which is also the default: without `order_by` GitLab ignores `sort`, so the provider sends `id` when " +
					"it is unset.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("id")},
			},
			"sort": schema.StringAttribute{
				MarkdownDescription: "`desc` (the default: newest jobs first) or `asc` (oldest first).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("asc", "desc")},
			},
			"max_jobs": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Read at most this many jobs: the newest ones, or the oldest with `sort = \"asc\"`. "+
					"Defaults to %d; at most %d. A runner's job list grows without limit, so reading all of it is "+
					"never the default.", defaultMaxJobs, maxMaxJobs),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, maxMaxJobs)},
			},
			"jobs": schema.ListNestedAttribute{
				MarkdownDescription: "The jobs in GitLab's order; empty when there are none.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: runnerJobAttributes()},
			},
		},
	}
}

func (d *runnerJobsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *runnerJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m runnerJobsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.RunnerID.ValueInt64()
	opts := gitlab.ListRunnerJobsOptions{
		Status:   m.Status.ValueString(),
		SystemID: m.SystemID.ValueString(),
		OrderBy:  m.OrderBy.ValueString(),
		Sort:     m.Sort.ValueString(),
		MaxJobs:  defaultMaxJobs,
	}
	if opts.OrderBy == "" {
		// Without order_by GitLab ignores sort and lists by id ascending
		// (app/finders/ci/runner_jobs_finder.rb sorts only for an allowed
		// order_by), so the documented newest-first default needs it.
		opts.OrderBy = "id"
	}
	if !m.MaxJobs.IsNull() {
		opts.MaxJobs = int(m.MaxJobs.ValueInt64())
	}
	jobs, err := d.data.Client.ListRunnerJobs(ctx, id, opts)
	if err != nil {
		addRunnerReadError(&resp.Diagnostics, "runner_id", id, "GET /runners/:id/jobs", runnerJobsAccess, err)
		return
	}
	m.Jobs = objectListFromAPI(runnerJobType, jobs, runnerJobObjectFromAPI)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func runnerJobObjectFromAPI(j gitlab.Job) types.Object {
	project := types.ObjectNull(runnerJobProjectType.AttrTypes)
	if j.Project != nil {
		project = types.ObjectValueMust(runnerJobProjectType.AttrTypes, map[string]attr.Value{
			"id":                  types.Int64Value(j.Project.ID),
			"path_with_namespace": types.StringValue(j.Project.PathWithNamespace),
		})
	}
	pipelineID := types.Int64Null()
	if j.Pipeline != nil {
		pipelineID = types.Int64Value(j.Pipeline.ID)
	}
	return types.ObjectValueMust(runnerJobType.AttrTypes, map[string]attr.Value{
		"id":          types.Int64Value(j.ID),
		"status":      types.StringValue(j.Status),
		"stage":       types.StringValue(j.Stage),
		"name":        types.StringValue(j.Name),
		"ref":         types.StringValue(j.Ref),
		"created_at":  timeValueOrNull(j.CreatedAt),
		"started_at":  timeValueOrNull(j.StartedAt),
		"finished_at": timeValueOrNull(j.FinishedAt),
		"duration":    float64ValueOrNull(j.Duration),
		"web_url":     types.StringValue(j.WebURL),
		"project":     project,
		"pipeline_id": pipelineID,
	})
}
