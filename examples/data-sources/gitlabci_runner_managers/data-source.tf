variable "runner_id" {
  description = "Id of the runner whose machines to list."
  type        = number
}

# One manager per machine (system_id) that runs the runner with its token.
data "gitlabci_runner_managers" "this" {
  runner_id = var.runner_id
}

output "runner_machines" {
  value = [
    for m in data.gitlabci_runner_managers.this.managers :
    "${m.system_id} (${coalesce(m.ip_address, "unknown address")}): gitlab-runner ${coalesce(m.version, "?")} ${m.status}"
  ]
}

# Machines still on gitlab-runner 17.x.
output "machines_to_upgrade" {
  value = [
    for m in data.gitlabci_runner_managers.this.managers : m.system_id
    if startswith(coalesce(m.version, ""), "17.")
  ]
}
