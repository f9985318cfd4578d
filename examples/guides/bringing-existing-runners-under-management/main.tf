# main.tf: the provider setup `terraform query` uses; the generated
# configuration (runners.tf) is written next to it.
terraform {
  required_providers {
    gitlabci = {
      source = "gitlabci-provider/gitlabci"
    }
  }
}

# GITLAB_BASE_URL and GITLAB_TOKEN (an administrator's, for all = true).
provider "gitlabci" {}
