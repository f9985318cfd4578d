variable "runner_id" {
  description = "Id of the runner whose authentication token is rotated (for example gitlabci_runner.build.id)."
  type        = number
}

variable "rotation_week" {
  description = <<-EOT
    Any label of the current week, for example "2025-W19", set by the job that runs
    `terraform apply` on a schedule (TF_VAR_rotation_week=$(date +%G-W%V)). A new
    value rotates the token; the same value plans no change.
  EOT
  type        = string
}

# Weekly rotation by runner id (needs a token that can manage the runner).
# rotate_before also rotates early when GitLab's own expiry
# (runner_token_expiration_interval) is less than 7 days away, so a scheduled
# apply never lets a runner's token lapse.
resource "gitlabci_runner_token_reset" "build" {
  runner_id     = var.runner_id
  rotate_before = "168h"

  triggers = {
    week = var.rotation_week
  }
}

# Hand the new token to the machines in the same apply: the previous token
# stopped working when it was reset.
output "build_runner_token" {
  value     = gitlabci_runner_token_reset.build.token
  sensitive = true
}

output "build_runner_token_expires_at" {
  value = gitlabci_runner_token_reset.build.token_expires_at
}

# Without a user token in the provider, a runner can rotate its own token
# with the token it holds now. token_wo is write-only (Terraform / OpenTofu
# 1.11 and later): it never reaches the state or the plan. Bump
# token_wo_version, with the token currently in use, to rotate again.
variable "edge_runner_current_token" {
  description = "The edge runner's current authentication token (from its config.toml)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "gitlabci_runner_token_reset" "edge" {
  token_wo         = var.edge_runner_current_token
  token_wo_version = 1
}
