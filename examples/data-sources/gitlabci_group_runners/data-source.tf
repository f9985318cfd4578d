variable "group" {
  description = "Full path (or id) of the group; the token's user needs its Maintainer role."
  type        = string
  default     = "acme/platform"
}

# Group runners the group's projects can use for deployments: its own and
# those of its parent groups.
data "gitlabci_group_runners" "deploy" {
  group    = var.group
  type     = "group_type"
  tag_list = ["deploy"]
}

# Everything available to the group that is online right now, instance
# runners included.
data "gitlabci_group_runners" "online" {
  group  = var.group
  status = "online"
}

output "deploy_runners" {
  value = {
    for r in data.gitlabci_group_runners.deploy.runners : r.id => r.description
  }
}

output "online_runner_count" {
  value = length(data.gitlabci_group_runners.online.ids)
}
