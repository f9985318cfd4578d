terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

# The runner that gitlab_user_runner.build created, described with gitlabci.
resource "gitlabci_runner" "build" {
  runner_type      = "project_type"
  project_id       = 42
  description      = "build fleet"
  tag_list         = ["linux", "docker"]
  run_untagged     = false
  access_level     = "not_protected"
  maximum_timeout  = 3600
  maintenance_note = "Managed by OpenTofu (infra/runners)."
}

resource "gitlabci_project_runner_assignment" "build_in_frontend" {
  project   = "acme/frontend"
  runner_id = gitlabci_runner.build.id
}

# Carry the state over: same runner, same token, no API write.
moved {
  from = gitlab_user_runner.build
  to   = gitlabci_runner.build
}

moved {
  from = gitlab_project_runner_enablement.build_in_frontend
  to   = gitlabci_project_runner_assignment.build_in_frontend
}

# A runner registered with gitlab_runner (GitLab's provider before 19.0):
# configure it by scope; the registration token is not needed any more.
resource "gitlabci_runner" "legacy" {
  runner_type = "group_type"
  group_id    = 7
  description = "legacy shared runner"
  tag_list    = ["legacy"]
}

moved {
  from = gitlab_runner.legacy
  to   = gitlabci_runner.legacy
}
