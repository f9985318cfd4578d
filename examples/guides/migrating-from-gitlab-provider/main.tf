terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

# Step 1: the same runner and the same assignment, described with gitlabci.
resource "gitlabci_runner" "build" {
  runner_type      = "project_type"
  project_id       = 42
  description      = "build fleet"
  tag_list         = ["linux", "docker"]
  run_untagged     = false
  locked           = true
  access_level     = "not_protected"
  maximum_timeout  = 3600
  maintenance_note = "Managed by OpenTofu (infra/runners)."
}

resource "gitlabci_project_runner_assignment" "build_in_frontend" {
  project   = "acme/frontend"
  runner_id = gitlabci_runner.build.id
}

# Step 2: adopt the existing objects instead of creating new ones.
import {
  to = gitlabci_runner.build
  id = "1234"
}

import {
  to = gitlabci_project_runner_assignment.build_in_frontend
  id = "acme/frontend:1234"
}

# Step 3: forget the old resources without deleting the runner in GitLab.
removed {
  from = gitlab_user_runner.build
  lifecycle {
    destroy = false
  }
}

removed {
  from = gitlab_project_runner_enablement.build_in_frontend
  lifecycle {
    destroy = false
  }
}
