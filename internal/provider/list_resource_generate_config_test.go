package provider_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

// accCLI runs the CLI under test in dir with a CLI configuration that
// installs the freshly built provider through dev_overrides.
type accCLI struct {
	t        *testing.T
	bin, dir string
	env      []string
}

func newAccCLI(t *testing.T) *accCLI {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH is not set")
	}
	providerDir := acctest.ProviderBinary(t)
	cfg := filepath.Join(t.TempDir(), "cli.tfrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		provider.RegistryAddress, providerDir)
	if err := os.WriteFile(cfg, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + cfg, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "TF_CLI_CONFIG_FILE" && !strings.HasPrefix(k, "TF_LOG") &&
			k != "TF_REATTACH_PROVIDERS" && !strings.HasPrefix(k, "TF_ACC") {
			env = append(env, kv)
		}
	}
	return &accCLI{t: t, bin: bin, dir: t.TempDir(), env: env}
}

func (c *accCLI) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run returns the exit code; any other failure ends the test.
func (c *accCLI) run(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	c.t.Fatalf("%s %v: %v\n%s", c.bin, args, err, out.String())
	return 0, ""
}

func (c *accCLI) mustRun(args ...string) string {
	c.t.Helper()
	code, out := c.run(args...)
	if code != 0 {
		c.t.Fatalf("%s %s: exit %d\n%s", filepath.Base(c.bin), strings.Join(args, " "), code, out)
	}
	return out
}

// TestAccListResource_generatedConfigPlansClean is the bulk-import workflow
// end to end: `terraform query -generate-config-out` writes import blocks
// and configuration for runners of every scope and for an assignment, the
// apply imports them without a request that writes, and the next plan is
// empty. plugin-testing's query mode cannot pass -generate-config-out, so
// this test drives the CLI with the provider built and installed through
// dev_overrides.
func TestAccListResource_generatedConfigPlansClean(t *testing.T) {
	tg := acctest.Get(t)
	tg.RequireSim(t)
	accRequireQuery(t)
	cli := newAccCLI(t)

	tag := acctest.RandomName("gen")
	group := tg.NewGroup(t, nil)
	owner := tg.NewProject(t, group)
	other := tg.NewProject(t, group)
	tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance, RunnerSettings: gitlab.RunnerSettings{TagList: &[]string{tag, "linux"}, Paused: ptr(true), MaintenanceNote: ptr("rack 7")}})
	tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeGroup, GroupID: &group.ID, RunnerSettings: gitlab.RunnerSettings{TagList: &[]string{tag}, RunUntagged: ptr(false), AccessLevel: ptr(gitlab.AccessLevelRefProtected)}})
	projectRunner := tg.NewRunner(t, gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &owner.ID, RunnerSettings: gitlab.RunnerSettings{TagList: &[]string{tag}, Locked: ptr(false), MaximumTimeout: gitlab.Some(int64(7200))}})
	if _, err := tg.Client.AssignRunnerToProject(acctest.Context(t), fmt.Sprint(other.ID), projectRunner.ID); err != nil {
		t.Fatal(err)
	}

	cli.write("main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    gitlabci = {
      source = %q
    }
  }
}

%s`, strings.TrimPrefix(provider.RegistryAddress, "registry.terraform.io/"), tg.ProviderConfig()))
	cli.write("runners.tfquery.hcl", fmt.Sprintf(`
list "gitlabci_runner" "tagged" {
  provider         = gitlabci
  include_resource = true
  config {
    all      = true
    tag_list = [%q]
  }
}

list "gitlabci_project_runner_assignment" "assigned" {
  provider         = gitlabci
  include_resource = true
  config {
    runner_id = %d
  }
}
`, tag, projectRunner.ID))

	cli.mustRun("query", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(generated)
	if n := strings.Count(gen, "import {"); n != 4 {
		t.Fatalf("generated.tf has %d import blocks, want 4 (3 runners, 1 assignment):\n%s", n, gen)
	}
	for _, want := range []string{`resource "gitlabci_runner"`, `resource "gitlabci_project_runner_assignment"`, `"rack 7"`, "7200"} {
		if !strings.Contains(gen, want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, gen)
		}
	}

	writes := accWriteRequests(tg)
	out := cli.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "4 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the apply of the generated configuration did more than import:\n%s\n\ngenerated.tf:\n%s", out, gen)
	}
	if n := accWriteRequests(tg) - writes; n != 0 {
		t.Errorf("importing sent %d requests that write, want none", n)
	}
	if code, out := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("plan after the import: exit %d, want 0 (no changes)\n%s\n\ngenerated.tf:\n%s", code, out, gen)
	}
}

// accCLIAtLeast reads "Terraform v1.16.4-dev" or "OpenTofu v1.12.6" from
// `<CLI> version`.
func accCLIAtLeast(versionOutput string, major, minor int) bool {
	var ma, mi int
	line := strings.SplitN(versionOutput, "\n", 2)[0]
	_, v, ok := strings.Cut(line, " v")
	if !ok {
		return false
	}
	if _, err := fmt.Sscanf(v, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}
