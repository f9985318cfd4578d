terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

variable "project_id" {
  description = "Project that owns the runner."
  type        = number
}

variable "gitlab_url" {
  description = "GitLab URL the runner machines connect to."
  type        = string
  default     = "https://gitlab.example.com"
}

resource "gitlabci_runner" "build" {
  runner_type = "project_type"
  project_id  = var.project_id
  description = "build fleet (autoscaled VMs)"
  tag_list    = ["linux", "docker"]
}

# A fresh authentication token on the first apply of every month, and earlier
# when GitLab's own expiry (token_expires_at) is less than 7 days away.
resource "gitlabci_runner_token_reset" "build" {
  runner_id = gitlabci_runner.build.id

  triggers = {
    month = formatdate("YYYY-MM", plantimestamp())
  }
  rotate_before = "168h"
}

# The runner's config.toml, carrying the current token. Hand it to the
# machines in the same apply (VM user data, a secret store, a Kubernetes
# secret): the previous token stops working as soon as it is reset.
locals {
  runner_config_toml = <<-EOT
    concurrent = 4

    [[runners]]
      name     = "build-fleet"
      url      = "${var.gitlab_url}"
      token    = "${gitlabci_runner_token_reset.build.token}"
      executor = "docker"
      [runners.docker]
        image = "alpine:3.20"
  EOT
}

output "runner_config_toml" {
  value     = local.runner_config_toml
  sensitive = true
}

output "token_expires_at" {
  description = "When the current token expires (null when the instance sets no expiry)."
  value       = gitlabci_runner_token_reset.build.token_expires_at
}
