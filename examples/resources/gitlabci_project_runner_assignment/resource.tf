variable "build_runner_id" {
  description = "Id of a project runner (for example gitlabci_runner.build.id) that serves its owner project already."
  type        = number
}

variable "frontend_project_id" {
  description = "Numeric id of another project that should use the runner too."
  type        = number
}

# Share the runner with a project by its full path...
resource "gitlabci_project_runner_assignment" "backend" {
  project   = "acme/platform/backend"
  runner_id = var.build_runner_id
}

# ...or by its numeric id. Either way project_id holds the id GitLab resolved.
resource "gitlabci_project_runner_assignment" "frontend" {
  project   = var.frontend_project_id
  runner_id = var.build_runner_id
}

output "backend_project_id" {
  value = gitlabci_project_runner_assignment.backend.project_id
}
