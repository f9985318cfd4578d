package acctest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Support for tests of `moved` blocks whose source is GitLab's provider.
//
// Both CLIs refuse to plan such a move unless a provider is installed at the
// source address, but only the target provider ever sees the moved state. The
// tests therefore install a stand-in (internal/acctest/standin, an empty
// provider) at that address through dev_overrides, and start from a state
// file written in the shape GitLab's provider writes.

// UnsupportedProviderAddress is a provider address no move accepts; the stand-in is
// installed there too, so a test can show the rejection.
const UnsupportedProviderAddress = "registry.terraform.io/example-org/gitlab"

var (
	standInOnce sync.Once
	standInDir  string
	standInErr  error
)

// OfficialProviderAddress is where the CLI under test installs GitLab's
// provider from (OpenTofu uses its own registry's mirror).
func OfficialProviderAddress() string {
	if IsOpenTofu() {
		return "registry.opentofu.org/gitlabhq/gitlab"
	}
	return "registry.terraform.io/gitlabhq/gitlab"
}

// standInProvider builds the stand-in once per test binary. The build cache
// makes this a link step (a few seconds); the directory is named after the
// process so concurrent test binaries do not share it.
func standInProvider(t *testing.T) string {
	t.Helper()
	standInOnce.Do(func() {
		dir, err := buildDir("standin")
		if err != nil {
			standInErr = err
			return
		}
		if err := goBuild(filepath.Join(dir, "terraform-provider-gitlab"), "./internal/acctest/standin"); err != nil {
			standInErr = err
			return
		}
		standInDir = dir
	})
	if standInErr != nil {
		t.Fatal(standInErr)
	}
	return standInDir
}

// UseStandInGitLabProvider installs the stand-in at GitLab's provider's
// addresses (both registries) and at UnsupportedProviderAddress, through a CLI
// configuration file for this test only. It uses t.Setenv, so the test must
// not be parallel.
func UseStandInGitLabProvider(t *testing.T) {
	t.Helper()
	dir := standInProvider(t)
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range []string{
		"registry.terraform.io/gitlabhq/gitlab", "registry.opentofu.org/gitlabhq/gitlab", UnsupportedProviderAddress,
	} {
		fmt.Fprintf(&b, "    %q = %q\n", addr, dir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	cfg := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", cfg)
}

// LegacyResource is one resource instance of a state file written by
// another provider.
type LegacyResource struct {
	Type, Name, Provider string
	SchemaVersion        int
	Attributes           map[string]any
	// SensitivePaths are attribute names the source schema marks sensitive.
	SensitivePaths []string
}

// WriteLegacyState writes a version 4 state file holding resources into the
// working directory plugin-testing created under base (TestCase.WorkingDir),
// for a first step's PreConfig. plugin-testing makes exactly one directory
// there per test case, before the first step.
func WriteLegacyState(t *testing.T, base string, resources ...LegacyResource) error {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(base, "work*"))
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		return fmt.Errorf("want exactly one plugin-testing working directory under %s, found %v", base, dirs)
	}
	type instance struct {
		SchemaVersion       int                `json:"schema_version"`
		Attributes          map[string]any     `json:"attributes"`
		SensitiveAttributes [][]map[string]any `json:"sensitive_attributes"`
	}
	type res struct {
		Mode      string     `json:"mode"`
		Type      string     `json:"type"`
		Name      string     `json:"name"`
		Provider  string     `json:"provider"`
		Instances []instance `json:"instances"`
	}
	st := map[string]any{
		"version":           4,
		"terraform_version": "1.5.7",
		"serial":            1,
		"lineage":           "6f1d9a42-3c55-4d0e-9a43-acc7e5700001",
		"outputs":           map[string]any{},
	}
	var rs []res
	for _, r := range resources {
		// A path is a list of steps; these are all top-level attributes.
		sens := [][]map[string]any{}
		for _, p := range r.SensitivePaths {
			sens = append(sens, []map[string]any{{"type": "get_attr", "value": p}})
		}
		rs = append(rs, res{
			Mode: "managed", Type: r.Type, Name: r.Name,
			Provider:  fmt.Sprintf("provider[%q]", r.Provider),
			Instances: []instance{{SchemaVersion: r.SchemaVersion, Attributes: r.Attributes, SensitiveAttributes: sens}},
		})
	}
	st["resources"] = rs
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dirs[0], "terraform.tfstate"), b, 0o600)
}

var (
	providerBinOnce sync.Once
	providerBinDir  string
	providerBinErr  error
)

// ProviderBinary builds this provider once per test binary and returns the
// directory holding terraform-provider-gitlabci, for tests that drive the
// CLI directly (through dev_overrides) where plugin-testing has no mode for
// the command, such as `terraform query -generate-config-out`.
func ProviderBinary(t *testing.T) string {
	t.Helper()
	providerBinOnce.Do(func() {
		dir, err := buildDir("provider")
		if err != nil {
			providerBinErr = err
			return
		}
		if err := goBuild(filepath.Join(dir, "terraform-provider-gitlabci"), "."); err != nil {
			providerBinErr = err
			return
		}
		providerBinDir = dir
	})
	if providerBinErr != nil {
		t.Fatal(providerBinErr)
	}
	return providerBinDir
}

// buildDir makes os.TempDir()/gitlabci-acctest-<kind>-<pid>, first removing
// the directories of earlier test processes that no longer run (nothing else
// would: a sync.Once has no end of the test binary to clean up at).
func buildDir(kind string) (string, error) {
	prefix := filepath.Join(os.TempDir(), "gitlabci-acctest-"+kind+"-")
	old, _ := filepath.Glob(prefix + "*")
	for _, d := range old {
		pid, err := strconv.Atoi(strings.TrimPrefix(d, prefix))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.Signal(0)) == nil {
			continue // still running
		}
		_ = os.RemoveAll(d)
	}
	dir := prefix + strconv.Itoa(os.Getpid())
	return dir, os.MkdirAll(dir, 0o755)
}

func goBuild(out, pkg string) error {
	// `go test` puts the go command that runs it first on PATH.
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = RepoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}
