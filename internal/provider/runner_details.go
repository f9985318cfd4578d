package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// getRunnerFor reads a runner for gitlabci_runner's state. Only a project
// runner needs its project list (the first project is the owner, and GitLab
// hands ownership on when the owner project is deleted), so instance and
// group runners are read with include_projects=false. An unknown or null
// runner type (import, registration tokens) reads the projects.
func getRunnerFor(ctx context.Context, c *gitlab.Client, id int64, runnerType types.String) (*gitlab.RunnerDetails, error) {
	if runnerType.IsNull() || runnerType.IsUnknown() || runnerType.ValueString() == gitlab.RunnerTypeProject {
		return c.GetRunner(ctx, id)
	}
	return getRunnerWithoutProjects(ctx, c, id)
}

// getRunnerWithoutProjects reads a runner when its project list is not used.
func getRunnerWithoutProjects(ctx context.Context, c *gitlab.Client, id int64) (*gitlab.RunnerDetails, error) {
	include := false
	return c.GetRunner(ctx, id, gitlab.GetRunnerOptions{IncludeProjects: &include})
}
