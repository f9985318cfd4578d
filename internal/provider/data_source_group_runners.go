package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var _ datasource.DataSourceWithConfigure = (*runnerListDataSource[groupRunnersDataSourceModel, *groupRunnersDataSourceModel])(nil)

type groupRunnersDataSourceModel struct {
	runnerListModel
	Group types.String `tfsdk:"group"`
}

func (m *groupRunnersDataSourceModel) listModel() *runnerListModel { return &m.runnerListModel }

// NewGroupRunnersDataSource is gitlabci_group_runners: GET /groups/:id/runners.
func NewGroupRunnersDataSource() datasource.DataSource {
	return &runnerListDataSource[groupRunnersDataSourceModel, *groupRunnersDataSourceModel]{spec: groupRunnersSpec}
}

var groupRunnersSpec = namespaceRunnersSpec(
	namespaceScope{
		kind: "group", validator: groupRefValidator(), endpoint: "GET /groups/:id/runners", example: "acme/platform",
		list: (*gitlab.Client).ListGroupRunners,
	},
	"Lists the runners available to a group (`GET /groups/:id/runners`): the group's own runners, those of its "+
		"ancestor groups and the instance runners. Needs at least the Maintainer role in the group (or an "+
		"administrator). Every page is read; filters are applied by GitLab.",
	func(m *groupRunnersDataSourceModel) string { return m.Group.ValueString() },
)
