# Quick start: the runners of a small platform team.
#
#   - a project runner for the "api" project, shared with the "web" project;
#   - a group runner for every project of the group;
#   - the project runner's token rotated on demand (bump var.rotation);
#   - what GitLab knows about them: the group's runners, the machines that
#     authenticated with the project runner's token, and the jobs it ran.
#
# `make demo` runs this against the bundled GitLab simulator. Against your
# GitLab, set GITLAB_BASE_URL and GITLAB_TOKEN and pass the three IDs.

terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

# GITLAB_BASE_URL and GITLAB_TOKEN come from the environment.
provider "gitlabci" {}

# A runner that only the "api" project's jobs can use, for jobs tagged
# docker or linux, never for protected branches' secrets.
resource "gitlabci_runner" "api" {
  runner_type      = "project_type"
  project_id       = var.project_id
  description      = "api: docker builds"
  tag_list         = ["docker", "linux", "quickstart"]
  run_untagged     = false
  access_level     = "not_protected"
  maximum_timeout  = 3600
  maintenance_note = "Managed by OpenTofu: examples/quickstart."
}

# Every project of the group can use this one, for tagged jobs only.
resource "gitlabci_runner" "group" {
  runner_type  = "group_type"
  group_id     = var.group_id
  description  = "platform: shared arm64 builders"
  tag_list     = ["arm64", "quickstart"]
  run_untagged = false
}

# Share the api runner with the web project too.
resource "gitlabci_project_runner_assignment" "api_in_web" {
  project   = var.second_project
  runner_id = gitlabci_runner.api.id
}

# A new token for the api runner whenever var.rotation changes. Hand this
# token (not gitlabci_runner.api.token, which it replaces) to the machines.
resource "gitlabci_runner_token_reset" "api" {
  runner_id = gitlabci_runner.api.id
  triggers = {
    rotation = var.rotation
  }
}

# Every runner tagged "quickstart" that the token can manage.
data "gitlabci_runners" "quickstart" {
  tag_list = ["quickstart"]

  depends_on = [gitlabci_runner.api, gitlabci_runner.group]
}

# The api runner as GitLab sees it now, with the projects it serves.
data "gitlabci_runner" "api" {
  id = gitlabci_runner.api.id

  depends_on = [gitlabci_project_runner_assignment.api_in_web]
}

# The machines (runner managers) that authenticated with the api runner's token.
data "gitlabci_runner_managers" "api" {
  runner_id = gitlabci_runner.api.id
}

# The api runner's most recent jobs.
data "gitlabci_runner_jobs" "api" {
  runner_id = gitlabci_runner.api.id
  max_jobs  = 10
}
