variable "runner_id" {
  description = "Id of the runner to inspect."
  type        = number
}

data "gitlabci_runner" "this" {
  id = var.runner_id
}

output "runner_summary" {
  value = {
    type            = data.gitlabci_runner.this.runner_type
    status          = data.gitlabci_runner.this.status
    version         = data.gitlabci_runner.this.version # null until a runner process contacted GitLab
    tags            = data.gitlabci_runner.this.tag_list
    maximum_timeout = data.gitlabci_runner.this.maximum_timeout # null when unset
    projects        = [for p in data.gitlabci_runner.this.projects : p.path_with_namespace]
    last_contact    = data.gitlabci_runner.this.contacted_at
  }
}
