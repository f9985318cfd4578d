package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// TestUnitRunnerModelWithoutProjectsKey: an answer without a projects key
// (include_projects=false, or PUT in recent GitLab releases) keeps the known
// owner project; an empty list is GitLab saying there is none.
func TestUnitRunnerModelWithoutProjectsKey(t *testing.T) {
	ctx := context.Background()
	prior := runnerModel{ProjectID: types.Int64Value(5), MaintenanceNote: types.StringNull()}
	absent := &gitlab.RunnerDetails{Runner: gitlab.Runner{ID: 1, RunnerType: gitlab.RunnerTypeProject}}
	if m, _ := runnerModelFromAPI(ctx, absent, prior); !m.ProjectID.Equal(types.Int64Value(5)) {
		t.Errorf("projects absent: project_id %s, want 5", m.ProjectID)
	}
	empty := &gitlab.RunnerDetails{Runner: absent.Runner, Projects: []gitlab.RunnerProject{}}
	if m, _ := runnerModelFromAPI(ctx, empty, prior); !m.ProjectID.IsNull() {
		t.Errorf("projects empty: project_id %s, want null", m.ProjectID)
	}
	unknown := runnerModel{ProjectID: types.Int64Unknown(), MaintenanceNote: types.StringNull()}
	if m, _ := runnerModelFromAPI(ctx, absent, unknown); !m.ProjectID.IsNull() {
		t.Errorf("unknown prior: project_id %s, want null", m.ProjectID)
	}
}
