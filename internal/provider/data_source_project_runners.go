package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerListDataSource[projectRunnersDataSourceModel, *projectRunnersDataSourceModel])(nil)

type projectRunnersDataSourceModel struct {
	runnerListModel
	Project types.String `tfsdk:"project"`
}

func (m *projectRunnersDataSourceModel) listModel() *runnerListModel { return &m.runnerListModel }

// NewProjectRunnersDataSource is gitlabci_project_runners: GET /projects/:id/runners.
func NewProjectRunnersDataSource() datasource.DataSource {
	return &runnerListDataSource[projectRunnersDataSourceModel, *projectRunnersDataSourceModel]{spec: projectRunnersSpec}
}

var projectRunnersSpec = namespaceRunnersSpec(
	namespaceScope{
		kind: "project", validator: projectRefValidator(), endpoint: "GET /projects/:id/runners", example: "acme/platform/api",
		list: (*gitlab.Client).ListProjectRunners,
	},
	"Lists the runners available to a project (`GET /projects/:id/runners`): its project runners, the runners "+
		"of its ancestor groups (when group runners are enabled for the project) and the instance runners (when "+
		"shared runners are enabled). Needs at least the Maintainer role in the project (or an administrator). "+
		"Every page is read; filters are applied by GitLab.",
	func(m *projectRunnersDataSourceModel) string { return m.Project.ValueString() },
)
