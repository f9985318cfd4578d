package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

var quietVars = []string{"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off", "TF_LOG_PROVIDER_GITLABCI=off"}

func TestQuietLogEnv_offWithoutAnyLoggingVariable(t *testing.T) {
	for _, env := range [][]string{
		nil,
		{"PATH=/usr/bin", "HOME=/root", "GITLAB_TOKEN=glpat-x"},
		// Set but empty counts as unset, as in terraform-plugin-log
		// (os.Getenv(...) == "").
		{"TF_LOG=", "TF_LOG_PROVIDER="},
		// Not logging variables.
		{"TF_ACC=1", "TF_CLI_CONFIG_FILE=/tmp/rc", "TF_IN_AUTOMATION=1"},
	} {
		if got := quietLogEnv(env); !slices.Equal(got, quietVars) {
			t.Errorf("quietLogEnv(%q) = %q, want %q", env, got, quietVars)
		}
	}
}

func TestQuietLogEnv_untouchedWhenLoggingIsAskedFor(t *testing.T) {
	for _, kv := range []string{
		"TF_LOG=TRACE", "TF_LOG=json", "TF_LOG=off", "TF_LOG_CORE=DEBUG", "TF_LOG_PROVIDER=TRACE",
		"TF_LOG_PROVIDER_GITLABCI=DEBUG", "TF_LOG_PATH=/tmp/tf.log", "TF_LOG_PATH_MASK=/tmp/%s.log",
		"TF_LOG_SDK=DEBUG", "TF_LOG_SDK_FRAMEWORK=TRACE", "TF_LOG_SDK_PROTO=INFO", "TF_LOG_SDK_PROTO_DATA_DIR=/tmp/p",
		"TF_ACC_LOG_PATH=/tmp/acc.log",
	} {
		if got := quietLogEnv([]string{"PATH=/usr/bin", kv}); got != nil {
			t.Errorf("with %s: quietLogEnv = %q, want nil (the SDK's defaults)", kv, got)
		}
	}
}

// TestAccProviderBinary_logging builds the provider binary and runs the CLI
// (TF_ACC_TERRAFORM_PATH) on it through dev_overrides, both ways: with
// TF_LOG_PROVIDER=TRACE every logger of the process writes, the framework's
// and the protocol's lines reach the log and the token is masked; with no
// TF_LOG* variable the process turns its loggers off and still works.
func TestAccProviderBinary_logging(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("TF_ACC and TF_ACC_TERRAFORM_PATH must be set (acceptance test running the CLI)")
	}
	srv, err := gitlabsim.Start(gitlabsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ids, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "logged", Tags: []string{"log"}}, 3)
	if err != nil || len(ids) != 3 {
		t.Fatalf("seeding: %v", err)
	}

	tmp := t.TempDir()
	plugins := filepath.Join(tmp, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-gitlabci"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(tmp, "cli.rc")
	writeFile(t, rc, `provider_installation {
  dev_overrides {
    "registry.opentofu.org/gitlabci-provider/gitlabci" = "`+plugins+`"
    "registry.terraform.io/gitlabci-provider/gitlabci" = "`+plugins+`"
  }
  direct {}
}
`)
	dir := filepath.Join(tmp, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    gitlabci = { source = "gitlabci-provider/gitlabci" }
  }
}

provider "gitlabci" {}

data "gitlabci_runners" "all" {
  all = true
}

output "count" {
  value = length(data.gitlabci_runners.all.ids)
}
`)

	plan := func(t *testing.T, extra ...string) (statsLine map[string]any) {
		t.Helper()
		stats := filepath.Join(tmp, "stats-"+strings.ReplaceAll(t.Name(), "/", "_")+".jsonl")
		cmd := exec.Command(cli, "plan", "-input=false", "-lock=false", "-no-color")
		cmd.Dir = dir
		cmd.Env = append(withoutLogVars(os.Environ()),
			"TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
			"GITLAB_BASE_URL="+srv.URL, "GITLAB_TOKEN="+srv.AdminToken,
			envStatsFile+"="+stats)
		cmd.Env = append(cmd.Env, extra...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !bytes.Contains(out, []byte("count = 3")) {
			t.Fatalf("plan does not show the 3 runners:\n%s", out)
		}
		data, err := os.ReadFile(stats)
		if err != nil {
			t.Fatalf("the provider wrote no stats: %v", err)
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
		if len(lines) == 0 {
			t.Fatal("no provider process exited")
		}
		for _, line := range lines {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("stats line %q: %v", line, err)
			}
			if statsLine != nil && m["logs"] != statsLine["logs"] {
				t.Fatalf("provider processes disagree: %s", data)
			}
			statsLine = m
		}
		return statsLine
	}

	t.Run("TF_LOG_PROVIDER=TRACE", func(t *testing.T) {
		logFile := filepath.Join(tmp, "provider.log")
		st := plan(t, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+logFile)
		if st["logs"] != "env" {
			t.Errorf("provider process logs = %v, want env (TF_LOG_PROVIDER decides)", st["logs"])
		}
		data, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatal(err)
		}
		log := string(data)
		for _, want := range []string{
			"@module=sdk.framework", // terraform-plugin-framework
			"@module=sdk.proto",     // terraform-plugin-go
			"@module=gitlabci",      // the provider's own tflog lines
			"GitLab API request",    // the client's request log
			"Calling provider defined DataSource Read",
		} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q", want)
			}
		}
		if strings.Contains(log, srv.AdminToken) {
			t.Errorf("log contains the provider token %q", srv.AdminToken)
		}
	})

	t.Run("no TF_LOG", func(t *testing.T) {
		st := plan(t)
		if st["logs"] != "off" {
			t.Errorf("provider process logs = %v, want off", st["logs"])
		}
	})
}

func withoutLogVars(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_ACC_LOG") {
			out = append(out, kv)
		}
	}
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
