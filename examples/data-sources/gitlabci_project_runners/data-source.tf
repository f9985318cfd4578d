variable "project" {
  description = "Full path (or id) of the project; the token's user needs its Maintainer role."
  type        = string
  default     = "acme/platform/api"
}

# Every runner that can pick up the project's jobs: its project runners, its
# groups' runners and the instance runners enabled for it.
data "gitlabci_project_runners" "all" {
  project = var.project
}

# Only the project's own runners that accept new jobs.
data "gitlabci_project_runners" "own_active" {
  project = var.project
  type    = "project_type"
  paused  = false
}

output "runners_by_type" {
  value = {
    for t in ["instance_type", "group_type", "project_type"] :
    t => [for r in data.gitlabci_project_runners.all.runners : r.id if r.runner_type == t]
  }
}

output "own_active_runner_ids" {
  value = data.gitlabci_project_runners.own_active.ids
}
