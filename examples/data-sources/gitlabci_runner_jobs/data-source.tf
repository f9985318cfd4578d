variable "runner_id" {
  description = "Id of the runner whose jobs to list."
  type        = number
}

# The runner's 50 most recent failed jobs.
data "gitlabci_runner_jobs" "failed" {
  runner_id = var.runner_id
  status    = "failed"
  max_jobs  = 50
}

# What the runner is running right now.
data "gitlabci_runner_jobs" "running" {
  runner_id = var.runner_id
  status    = "running"
}

output "recent_failures" {
  value = [
    for j in data.gitlabci_runner_jobs.failed.jobs :
    "${j.project.path_with_namespace} ${j.ref} ${j.stage}/${j.name} (pipeline ${j.pipeline_id}): ${j.web_url}"
  ]
}

output "running_job_count" {
  value = length(data.gitlabci_runner_jobs.running.jobs)
}
