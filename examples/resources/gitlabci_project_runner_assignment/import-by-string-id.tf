# Terraform / OpenTofu 1.5 and later: import with an import block, as
# <project>:<runner_id>. The project part is kept as written, so writing it
# the way the configuration does plans no changes.
import {
  to = gitlabci_project_runner_assignment.example
  id = "acme/platform/backend:42"
}

# Terraform / OpenTofu 1.12 and later can import by resource identity instead;
# `project` is then the numeric id, so configure it that way:
#
# import {
#   to       = gitlabci_project_runner_assignment.example
#   identity = { project_id = 1234, runner_id = 42 }
# }

resource "gitlabci_project_runner_assignment" "example" {
  project   = "acme/platform/backend"
  runner_id = 42
}
