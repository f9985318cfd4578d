# The projects runner 1234 is assigned to (besides its owner project), for
# importing the assignments together with the runner.
list "gitlabci_project_runner_assignment" "build" {
  provider         = gitlabci
  include_resource = true

  config {
    runner_id = 1234
  }
}
