package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

// runnerGets records the query of every GET /runners/:id passing through a
// proxy in front of the target.
type runnerGets struct {
	mu   sync.Mutex
	byID map[int64][]url.Values
}

var runnerDetailsPathRe = regexp.MustCompile(`/api/v4/runners/(\d+)$`)

func newRunnerGetsProxy(t *testing.T, target string) (*runnerGets, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &runnerGets{byID: map[int64][]url.Values{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := runnerDetailsPathRe.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			rec.mu.Lock()
			rec.byID[id] = append(rec.byID[id], r.URL.Query())
			rec.mu.Unlock()
		}
		r.Host = u.Host
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func (g *runnerGets) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.byID = map[int64][]url.Values{}
}

// check asserts that runner id (from the state's address attribute) was read
// at least once, each time with include_projects=false or each time without it.
func (g *runnerGets) check(address, attr string, withoutProjects bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		id, err := strconv.ParseInt(rs.Primary.Attributes[attr], 10, 64)
		if err != nil {
			return err
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		gets := g.byID[id]
		if len(gets) == 0 {
			return fmt.Errorf("runner %d (%s) was never read", id, address)
		}
		for _, q := range gets {
			if got := q.Get("include_projects") == "false"; got != withoutProjects {
				return fmt.Errorf("runner %d (%s) read with %q, want include_projects=false: %v", id, address, q.Encode(), withoutProjects)
			}
		}
		return nil
	}
}

// TestAccRunner_includeProjects: GET /runners/:id with include_projects=false
// (lib/api/entities/ci/runner_details.rb exposes projects only with
// include_projects; GitLab added it because runners on thousands of
// projects time out) wherever the project list is not used: gitlabci_runner
// for instance and group runners, gitlabci_runner_token_reset. A project
// runner's owner is its first project, so it is read with its projects.
func TestAccRunner_includeProjects(t *testing.T) {
	tg := acctest.Get(t)
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	gets, proxyURL := newRunnerGetsProxy(t, tg.BaseURL)
	config := fmt.Sprintf("provider %q {\n  base_url = %q\n  token    = %q\n  retries  = 2\n}\n", provider.TypeName, proxyURL, tg.Token) +
		fmt.Sprintf(`
resource "gitlabci_runner" "instance" {
  runner_type = "instance_type"
  description = "include-projects instance"
}

resource "gitlabci_runner" "group" {
  runner_type = "group_type"
  group_id    = %d
}

resource "gitlabci_runner" "project" {
  runner_type = "project_type"
  project_id  = %d
}

resource "gitlabci_runner_token_reset" "group" {
  runner_id = gitlabci_runner.group.id
}
`, group.ID, project.ID)
	checks := resource.ComposeTestCheckFunc(
		gets.check("gitlabci_runner.instance", "id", true),
		gets.check("gitlabci_runner.group", "id", true),
		gets.check("gitlabci_runner.project", "id", false),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  checks,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("gitlabci_runner.project", tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
					statecheck.ExpectKnownValue("gitlabci_runner.group", tfjsonpath.New("group_id"), knownvalue.Int64Exact(group.ID)),
				},
			},
			{
				// Refresh only: the reads of each resource, token reset included.
				PreConfig: gets.reset,
				Config:    config,
				Check:     checks,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("gitlabci_runner.project", tfjsonpath.New("project_id"), knownvalue.Int64Exact(project.ID)),
				},
			},
		},
	})
}
