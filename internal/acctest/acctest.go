// Package acctest is the acceptance-test harness: it picks the GitLab to test
// against (the bundled simulator, or a real GitLab when GITLAB_BASE_URL and
// GITLAB_TOKEN are set), points terraform-plugin-testing at the CLI in
// .tools/bin (OpenTofu by default), and builds fixtures through the API so
// the same tests run unchanged on both targets.
package acctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tfprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

// ProviderNamespace is what TF_ACC_PROVIDER_NAMESPACE is set to for OpenTofu.
const ProviderNamespace = "gitlabci-provider"

// ProtoV6ProviderFactories serves the provider in-process to the CLI.
var ProtoV6ProviderFactories = ProviderFactories(provider.New("acctest"))

// ProviderFactories serves the provider newProvider makes, for tests that
// configure it differently (for example with a simulator's clock), with the
// same fast paths the released binary serves unless TF_LOG* asks for logs.
func ProviderFactories(newProvider func() tfprovider.Provider) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		provider.TypeName: provider.NewProtocol6ServerFor(newProvider, provider.FastPathsWanted(os.Environ())),
	}
}

// Target is the GitLab the acceptance tests run against.
type Target struct {
	// BaseURL is the GitLab URL without /api/v4.
	BaseURL string
	// Token is an administrator's token (fixtures need admin to create users).
	Token string
	// Client is an API client acting with Token.
	Client *gitlab.Client
	// Sim is the in-process simulator, nil against a real GitLab.
	Sim *gitlabsim.Server
}

var (
	targetOnce sync.Once
	target     *Target
	targetErr  error
)

// IsRealGitLab reports whether GITLAB_BASE_URL and GITLAB_TOKEN select a real
// GitLab instead of the simulator.
func IsRealGitLab() bool {
	return os.Getenv("GITLAB_BASE_URL") != "" && os.Getenv("GITLAB_TOKEN") != ""
}

// BaseURLFromEnv is GITLAB_BASE_URL without the /api/v4 suffix or a
// trailing slash, which the provider's README allows either way: tests
// append API paths to Target.BaseURL and must not depend on how it was
// written.
func BaseURLFromEnv() string {
	return NormalizeBaseURL(os.Getenv("GITLAB_BASE_URL"))
}

// NormalizeBaseURL removes surrounding spaces, trailing slashes and a final
// /api/v4 from a GitLab URL.
func NormalizeBaseURL(raw string) string {
	u := strings.TrimRight(strings.TrimSpace(raw), "/")
	u = strings.TrimSuffix(u, "/api/v4")
	return strings.TrimRight(u, "/")
}

// Get returns the shared target, starting the simulator on first use. It
// skips the test unless TF_ACC is set, exactly like resource.Test would, so
// fixtures are never created for a test that will not run.
func Get(t *testing.T) *Target {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests skipped unless TF_ACC=1 (make testacc)")
	}
	targetOnce.Do(func() { target, targetErr = newTarget() })
	if targetErr != nil {
		t.Fatalf("acceptance test target: %v", targetErr)
	}
	return target
}

func newTarget() (*Target, error) {
	configureCLI()
	tg := &Target{}
	if IsRealGitLab() {
		tg.BaseURL = BaseURLFromEnv()
		tg.Token = os.Getenv("GITLAB_TOKEN")
	} else {
		srv, err := gitlabsim.Start(gitlabsim.Options{})
		if err != nil {
			return nil, fmt.Errorf("start simulator: %w", err)
		}
		tg.Sim = srv
		tg.BaseURL = srv.URL
		tg.Token = srv.AdminToken
	}
	c, err := gitlab.NewClient(gitlab.Config{
		BaseURL:   tg.BaseURL,
		Token:     tg.Token,
		UserAgent: "terraform-provider-gitlabci/acctest",
		Retries:   3,
	})
	if err != nil {
		return nil, err
	}
	tg.Client = c
	return tg, nil
}

// configureCLI points terraform-plugin-testing at the CLI built by
// scripts/install-tools.sh unless the caller chose one. OpenTofu needs the
// provider host and namespace set, or it rejects the legacy "-" namespace.
func configureCLI() {
	// A TF_CLI_CONFIG_FILE naming a missing file makes the CLI print a
	// warning before its version, which plugin-testing cannot parse.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" && !fileExists(f) {
		_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if tofu := filepath.Join(RepoRoot(), ".tools", "bin", "tofu"); fileExists(tofu) {
			_ = os.Setenv("TF_ACC_TERRAFORM_PATH", tofu)
		}
	}
	if IsOpenTofu() {
		if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
		}
		if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
			_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", ProviderNamespace)
		}
	}
}

// IsOpenTofu reports whether the acceptance tests drive OpenTofu. OpenTofu
// reports its own version as terraform_version, so version gates alone cannot
// tell the CLIs apart.
func IsOpenTofu() bool {
	return strings.Contains(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu")
}

// RepoRoot is the module root, found from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// RequireSim skips tests that need the simulator's seeding, clock or fault
// injection, which a real GitLab cannot offer, and says so.
func (tg *Target) RequireSim(t *testing.T) *gitlabsim.Server {
	t.Helper()
	if tg.Sim == nil {
		t.Skip("needs the simulator (seeding, clock or fault injection); not possible against a real GitLab")
	}
	return tg.Sim
}

// ProviderConfig is a provider block for the target acting as the admin.
func (tg *Target) ProviderConfig() string {
	return tg.ProviderConfigWithToken(tg.Token)
}

// ProviderConfigWithToken is a provider block acting with another token
// ("" configures no token at all). The token is always written out, even
// empty: the provider runs in the test process, and against a real GitLab
// GITLAB_TOKEN is set there and would otherwise fill an omitted token.
func (tg *Target) ProviderConfigWithToken(token string) string {
	return fmt.Sprintf("provider %q {\n  base_url = %q\n  token    = %q\n  retries  = 2\n}\n",
		provider.TypeName, tg.BaseURL, token)
}

// Context is a bounded context for fixture calls.
func Context(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
