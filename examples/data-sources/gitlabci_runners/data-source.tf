# Every runner of the instance that runs Docker jobs on amd64 and has not
# contacted GitLab for a week (GET /runners/all needs an administrator).
data "gitlabci_runners" "stale_docker" {
  all      = true
  tag_list = ["docker", "amd64"]
  status   = "stale"
}

# Instance runners still on gitlab-runner 16.x.
data "gitlabci_runners" "outdated" {
  all            = true
  type           = "instance_type"
  version_prefix = "16."
}

# Without `all`, only the runners the token's user can manage (GET /runners),
# here the paused ones.
data "gitlabci_runners" "my_paused" {
  paused = true
}

output "stale_docker_runners" {
  description = "Runners to investigate or delete."
  value = [
    for r in data.gitlabci_runners.stale_docker.runners :
    "#${r.id} ${r.runner_type} \"${r.description}\" created ${r.created_at}"
  ]
}

output "outdated_runner_ids" {
  value = data.gitlabci_runners.outdated.ids
}

output "my_paused_runner_count" {
  value = length(data.gitlabci_runners.my_paused.ids)
}
