# runners.tfquery.hcl: `terraform query` (Terraform 1.14 and later) reads
# *.tfquery.hcl files next to the configuration that sets up the provider.

# Every runner of the instance with the "linux" tag (administrators).
list "gitlabci_runner" "linux" {
  provider = gitlabci
  limit    = 500

  config {
    all      = true
    tag_list = ["linux"]
  }
}

# The group runners of one group, with the full object, as
# `terraform query -generate-config-out=runners.tf` needs it.
list "gitlabci_runner" "platform" {
  provider         = gitlabci
  include_resource = true

  config {
    group = "acme/platform"
    type  = "group_type"
  }
}

# Paused runners the token's user can manage (GET /runners).
list "gitlabci_runner" "paused" {
  provider = gitlabci

  config {
    paused = true
  }
}
