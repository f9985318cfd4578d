terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

# Credentials usually come from the environment:
#   export GITLAB_BASE_URL=https://gitlab.example.com
#   export GITLAB_TOKEN=glpat-...
provider "gitlabci" {}

# Or configured explicitly, for example from a variable that your CI fills in.
provider "gitlabci" {
  alias    = "self_managed"
  base_url = "https://gitlab.example.com"
  token    = var.gitlab_token

  # Be gentle with a busy instance: at most 10 requests per second, retried on 429 and 5xx.
  max_requests_per_second = 10
  retries                 = 5
}

variable "gitlab_token" {
  description = "GitLab personal, group or project access token with the api scope (or create_runner + manage_runner)."
  type        = string
  sensitive   = true
}
