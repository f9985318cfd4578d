variable "project_id" {
  description = "Id of the project that owns the project runner (you need its Maintainer role)."
  type        = number
}

variable "group_id" {
  description = "Id of the group whose projects share the group runner (you need its Owner role)."
  type        = number
}

# A project runner for Docker builds that only picks jobs tagged for it.
resource "gitlabci_runner" "project" {
  runner_type      = "project_type"
  project_id       = var.project_id
  description      = "backend: docker builds"
  tag_list         = ["docker", "linux", "amd64"]
  run_untagged     = false
  locked           = true
  maximum_timeout  = 3600 # seconds; 600 to 2147483647, omit for no limit
  maintenance_note = "Autoscaled VMs in eu-west-1, managed by Terraform."
}

# A group runner every project of the group can use, for protected branches
# and tags only (deployments).
resource "gitlabci_runner" "group" {
  runner_type  = "group_type"
  group_id     = var.group_id
  description  = "platform: deploy runner"
  tag_list     = ["deploy"]
  run_untagged = false
  access_level = "ref_protected"
}

# An instance runner available to every project (needs an administrator's
# token). paused, locked, run_untagged and access_level keep GitLab's defaults.
resource "gitlabci_runner" "instance" {
  runner_type = "instance_type"
  description = "shared: small jobs"
}

# Hand the authentication tokens to whatever provisions the runner machines,
# e.g. `gitlab-runner register --url https://gitlab.example.com --token <token>`.
# They are sensitive: `terraform output -raw project_runner_token` reveals one.
output "project_runner_token" {
  value     = gitlabci_runner.project.token
  sensitive = true
}

output "group_runner_token" {
  value     = gitlabci_runner.group.token
  sensitive = true
}

output "instance_runner_token" {
  value     = gitlabci_runner.instance.token
  sensitive = true
}
