# Terraform / OpenTofu 1.5 and later: import with an import block, by runner id.
import {
  to = gitlabci_runner.example
  id = "42"
}

# Terraform / OpenTofu 1.12 and later can import by resource identity instead:
#
# import {
#   to       = gitlabci_runner.example
#   identity = { id = "42" }
# }

# Write the runner's configuration as GitLab has it; runner_type, group_id and
# project_id are read back on import, so a matching configuration plans no changes.
resource "gitlabci_runner" "example" {
  runner_type = "project_type"
  project_id  = 1234
  description = "backend: docker builds"
  tag_list    = ["docker", "linux"]
}
