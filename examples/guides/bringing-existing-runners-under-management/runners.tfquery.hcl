# runners.tfquery.hcl: what to bring under management.

# Every instance runner tagged "linux".
list "gitlabci_runner" "linux" {
  provider         = gitlabci
  include_resource = true
  limit            = 1000

  config {
    all      = true
    type     = "instance_type"
    tag_list = ["linux"]
  }
}

# The runners of one group.
list "gitlabci_runner" "platform" {
  provider         = gitlabci
  include_resource = true

  config {
    group = "acme/platform"
    type  = "group_type"
  }
}

# The other projects project runner 1234 serves.
list "gitlabci_project_runner_assignment" "build" {
  provider         = gitlabci
  include_resource = true

  config {
    runner_id = 1234
  }
}
