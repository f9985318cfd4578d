# Deprecated by GitLab: registration tokens are disabled by default since
# GitLab 17.0. Prefer gitlabci_runner, which creates the runner and returns its
# authentication token. Use this only on instances that still allow them.

variable "registration_rotation" {
  description = "Change this value (for example to today's date) to reset the tokens again."
  type        = string
}

# A project's registration token (project Maintainer).
resource "gitlabci_registration_token_reset" "backend" {
  project = "acme/platform/backend"

  triggers = {
    rotation = var.registration_rotation
  }
}

# A group's registration token (group Owner), by full path or numeric id.
resource "gitlabci_registration_token_reset" "platform" {
  group = "acme/platform"

  triggers = {
    rotation = var.registration_rotation
  }
}

# The instance's registration token (administrator): neither group nor project.
resource "gitlabci_registration_token_reset" "instance" {}

output "backend_registration_token" {
  value     = gitlabci_registration_token_reset.backend.token
  sensitive = true
}
