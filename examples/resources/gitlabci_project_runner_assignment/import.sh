# Import an existing assignment as <project>:<runner_id>, where <project> is the
# project's full path or numeric id (the id is split at the last colon). Use the
# same spelling as the configuration's `project` to get an empty plan.
terraform import gitlabci_project_runner_assignment.example acme/platform/backend:42

# The same assignment by numeric project id.
terraform import gitlabci_project_runner_assignment.example 1234:42
