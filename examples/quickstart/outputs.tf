output "api_runner" {
  description = "The project runner."
  value = {
    id          = gitlabci_runner.api.id
    type        = gitlabci_runner.api.runner_type
    description = gitlabci_runner.api.description
    tags        = join(", ", sort(tolist(gitlabci_runner.api.tag_list)))
    projects    = join(", ", [for p in data.gitlabci_runner.api.projects : p.path_with_namespace])
    status      = data.gitlabci_runner.api.status
  }
}

output "group_runner" {
  description = "The group runner."
  value = {
    id          = gitlabci_runner.group.id
    type        = gitlabci_runner.group.runner_type
    description = gitlabci_runner.group.description
    tags        = join(", ", sort(tolist(gitlabci_runner.group.tag_list)))
  }
}

output "api_runner_token" {
  description = "The api runner's current authentication token: give it to the machines that run its jobs."
  value       = gitlabci_runner_token_reset.api.token
  sensitive   = true
}

output "api_runner_token_expires_at" {
  description = "When that token expires; null when the instance sets no expiry."
  value       = gitlabci_runner_token_reset.api.token_expires_at
}

output "group_runner_token" {
  description = "The group runner's authentication token."
  value       = gitlabci_runner.group.token
  sensitive   = true
}

output "quickstart_runners" {
  description = "Every runner tagged quickstart, as listed by GET /runners."
  value = [
    for r in data.gitlabci_runners.quickstart.runners :
    "#${r.id} ${r.runner_type} \"${r.description}\" (${r.status})"
  ]
}

output "api_runner_managers" {
  description = "Machines that authenticated with the api runner's token."
  value = [
    for m in data.gitlabci_runner_managers.api.managers :
    "${m.system_id}: gitlab-runner ${coalesce(m.version, "?")} on ${coalesce(m.platform, "?")}/${coalesce(m.architecture, "?")}, ${m.status}"
  ]
}

output "api_runner_recent_jobs" {
  description = "The api runner's latest jobs, newest first."
  value = [
    for j in data.gitlabci_runner_jobs.api.jobs :
    "#${j.id} ${j.project.path_with_namespace} ${j.ref} ${j.stage}/${j.name}: ${j.status}"
  ]
}
