package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// The provider configures against the target, passes its early auth check
// and serves a data source: the smallest end-to-end path through a real CLI.
func TestAccProvider_configuresAndAuthenticates(t *testing.T) {
	tg := acctest.Get(t)
	tag := acctest.RandomName("tag")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_runners" "none" {
  tag_list = [%q]
}
`, tag),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.gitlabci_runners.none", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccProvider_earlyAuthCheckRejectsBadToken(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfigWithToken("glpat-this-token-does-not-exist") + `
data "gitlabci_runners" "any" {}
`,
			ExpectError: regexp.MustCompile(`(?s)GitLab rejected the token.*401`),
		}},
	})
}

// Without early_auth_check the same bad token fails on the first real call,
// and the error still quotes GitLab's 401.
func TestAccProvider_earlyAuthCheckDisabled(t *testing.T) {
	tg := acctest.Get(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "gitlabci" {
  base_url         = %q
  token            = "glpat-this-token-does-not-exist"
  early_auth_check = false
}

data "gitlabci_runners" "any" {}
`, tg.BaseURL+"/api/v4/"),
			ExpectError: regexp.MustCompile(`401`),
		}},
	})
}

// A token limited to runner scopes cannot read /user: the check must warn,
// not fail, or create_runner/manage_runner tokens would be unusable.
func TestAccProvider_earlyAuthCheckToleratesRunnerScopedToken(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	user, token := tg.NewUser(t, "create_runner", "manage_runner")
	tg.AddGroupMember(t, group, user, gitlab.AccessOwner)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfigWithToken(token) + fmt.Sprintf(`
resource "gitlabci_runner" "scoped" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
}
`, group.ID, acctest.RandomName("runner")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("gitlabci_runner.scoped", tfjsonpath.New("runner_type"), knownvalue.StringExact("group_type")),
			},
		}},
	})
}
