# Import a runner by its numeric id (shown as #<id> in Settings > CI/CD > Runners,
# or returned by GET /runners). GitLab never returns a runner's token after it is
# created, so `token` is null after import; reset it with gitlabci_runner_token_reset
# if the machines need a token Terraform knows.
terraform import gitlabci_runner.example 42
