package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerListDataSource[runnersDataSourceModel, *runnersDataSourceModel])(nil)

type runnersDataSourceModel struct {
	runnerListModel
	All types.Bool `tfsdk:"all"`
}

func (m *runnersDataSourceModel) listModel() *runnerListModel { return &m.runnerListModel }

// NewRunnersDataSource is gitlabci_runners: GET /runners, or GET /runners/all
// with all = true.
func NewRunnersDataSource() datasource.DataSource {
	return &runnerListDataSource[runnersDataSourceModel, *runnersDataSourceModel]{spec: runnersSpec}
}

var runnersSpec = runnerListSpec[*runnersDataSourceModel]{
	name: "runners",
	description: "Lists runners across the instance. By default this is `GET /runners`: the runners the token's " +
		"user can manage (project runners of projects where they are Maintainer, group runners of groups they own). " +
		"With `all = true` it is `GET /runners/all`: every runner of the instance, which needs an administrator. " +
		"Every page is read; filters are applied by GitLab.",
	endpoint: "`GET /runners` or `GET /runners/all`",
	scope: map[string]schema.Attribute{
		"all": schema.BoolAttribute{
			MarkdownDescription: "List every runner of the instance (`GET /runners/all`, administrators only; with " +
				"admin mode enabled the token also needs the `admin_mode` scope). Defaults to `false`: only the runners " +
				"the token's user can manage (`GET /runners`).",
			Optional: true,
		},
	},
	list: func(ctx context.Context, c *gitlab.Client, m *runnersDataSourceModel, opts gitlab.ListRunnersOptions) ([]gitlab.Runner, error) {
		if m.All.ValueBool() {
			return c.ListAllRunners(ctx, opts)
		}
		return c.ListRunners(ctx, opts)
	},
	explain: func(diags *diag.Diagnostics, m *runnersDataSourceModel, err error) {
		if m.All.ValueBool() {
			addReadError(diags, accessProblem{
				attribute: path.Root("all"),
				summary:   "Cannot list all runners",
				forbidden: "The token's user is not an administrator (GET /runners/all needs an administrator; " +
					"with admin mode enabled the token also needs the admin_mode scope). Leave `all` unset to " +
					"list the runners the user can manage instead.",
			}, err)
			return
		}
		addReadError(diags, accessProblem{summary: "Cannot list runners"}, err)
	},
}
