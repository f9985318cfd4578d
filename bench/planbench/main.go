// Command planbench measures the provider the way users run it: real CLI
// processes (OpenTofu, Terraform) against the standalone simulator
// (internal/gitlabsim/cmd/gitlabsim), with the provider binary built from
// this checkout and served through dev_overrides.
//
// Plan benchmark: it creates N runners through the provider (apply), then
// times `plan` (refresh included) of the N managed gitlabci_runner
// resources against `plan` of N terraform_data resources holding the same
// attributes, alternating the two, on the same CLI, in one run. It prints
// medians, their ratio, requests per runner (the simulator's counters) and
// the provider process's CPU time per runner (getrusage, written by the
// provider at exit when GITLABCI_PROVIDER_STATS_FILE is set; see
// procstats.go at the repository root).
//
// List benchmark: data "gitlabci_runners" { all = true } over 10,000 runners
// at 0 and 25 ms per request: the provider process's CPU and peak RSS in a
// CLI plan, the data source's ReadDataSource called in-process through the
// plugin protocol (like the CLI calls it), and a bare concurrent
// fetch-and-decode loop of the same pages.
//
// It prints numbers and never fails on speed; it fails only when something
// does not work (a plan with changes, a wrong number of requests is only
// reported).
//
//	go run ./bench/planbench -n 1000 -reps 5 -cli tofu,terraform
//	go run ./bench/planbench -plan=false -list

//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

var (
	flagN        = flag.Int("n", 1000, "managed runners (and terraform_data resources) in the plan benchmark")
	flagReps     = flag.Int("reps", 5, "timed plans of each kind (after one untimed warm-up of each)")
	flagCLIs     = flag.String("cli", "tofu,terraform", "comma-separated CLIs: tofu, terraform, or paths")
	flagPlan     = flag.Bool("plan", true, "run the plan benchmark")
	flagList     = flag.Bool("list", false, "run the list data source benchmark")
	flagListN    = flag.Int("list-runners", 10_000, "runners in the list benchmark")
	flagListReps = flag.Int("list-reps", 5, "repetitions of each list measurement")
	flagProfile  = flag.String("profile", "", "directory for CPU profiles of the provider processes of the timed managed plans")
	flagKeep     = flag.Bool("keep", false, "keep the work directory")
	flagTools    = flag.String("tools", "", "directory holding tofu and terraform (default: .tools/bin of the checkout)")
	flagSrc      = flag.String("src", "", "build the provider from this source tree instead of the checkout (to measure an older version)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		os.Exit(1)
	}
}

type bench struct {
	root, work, plugin string
	simBin             string
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "gitlabci-bench.")
	if err != nil {
		return err
	}
	if *flagKeep {
		fmt.Println("work directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	b := &bench{root: root, work: work, plugin: filepath.Join(work, "plugins")}
	b.simBin = filepath.Join(work, "gitlabsim")
	fmt.Println("building the provider and the simulator ...")
	src := root
	if *flagSrc != "" {
		src = *flagSrc
	}
	if err := goBuild(src, filepath.Join(b.plugin, "terraform-provider-gitlabci"), "."); err != nil {
		return err
	}
	if err := goBuild(root, b.simBin, "./internal/gitlabsim/cmd/gitlabsim"); err != nil {
		return err
	}
	rc := filepath.Join(work, "cli.rc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.opentofu.org/gitlabci-provider/gitlabci" = %[1]q
    "registry.terraform.io/gitlabci-provider/gitlabci" = %[1]q
  }
  direct {}
}
`, b.plugin)), 0o644); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			fmt.Println("note: the environment sets", kv, "(the provider logs as asked; numbers include it)")
		}
	}
	_ = os.Setenv("TF_CLI_CONFIG_FILE", rc)
	_ = os.Setenv("TF_IN_AUTOMATION", "1")
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	_ = os.Unsetenv("TF_PLUGIN_CACHE_DIR")

	if *flagPlan {
		for _, cli := range strings.Split(*flagCLIs, ",") {
			if cli = strings.TrimSpace(cli); cli == "" {
				continue
			}
			path, err := b.cliPath(cli)
			if err != nil {
				fmt.Println("skipping", cli+":", err)
				continue
			}
			if err := b.planBench(path); err != nil {
				return fmt.Errorf("%s: %w", cli, err)
			}
		}
	}
	if *flagList {
		path, err := b.cliPath(strings.Split(*flagCLIs, ",")[0])
		if err != nil {
			return err
		}
		if err := b.listBench(path); err != nil {
			return fmt.Errorf("list: %w", err)
		}
	}
	return nil
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func goBuild(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
	return cmd.Run()
}

func (b *bench) cliPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	dir := *flagTools
	if dir == "" {
		dir = filepath.Join(b.root, ".tools", "bin")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil && name == "terraform" {
		// scripts/install-tools.sh builds Terraform 1.8.5 as terraform and,
		// on some machines, the newest release as terraform-latest.
		if _, lerr := os.Stat(p + "-latest"); lerr == nil {
			p = p + "-latest"
		}
	}
	if _, err := os.Stat(p); err != nil {
		if lp, lerr := exec.LookPath(name); lerr == nil {
			return lp, nil
		}
		return "", fmt.Errorf("%s not found (make tools)", p)
	}
	return p, nil
}

// ---------------------------------------------------------------- simulator

type sim struct {
	cmd        *exec.Cmd
	url, token string
}

func (b *bench) startSim() (*sim, error) {
	cmd := exec.Command(b.simBin, "-listen", "127.0.0.1:0", "-quiet")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &sim{cmd: cmd}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "GITLAB_BASE_URL="); ok {
			s.url = v
		}
		if v, ok := strings.CutPrefix(line, "GITLAB_TOKEN="); ok {
			s.token = v
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if s.url == "" || s.token == "" {
		_ = cmd.Process.Kill()
		return nil, errors.New("simulator printed no GITLAB_BASE_URL/GITLAB_TOKEN")
	}
	return s, nil
}

func (s *sim) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

func (s *sim) admin(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, s.url+"/-/sim/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s /-/sim/%s: %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type simStats struct {
	Requests int64            `json:"requests"`
	ByRoute  map[string]int64 `json:"by_route"`
}

func (s *sim) resetStats() error { return s.admin(http.MethodPost, "stats/reset", nil, nil) }

func (s *sim) stats() (simStats, error) {
	var st simStats
	err := s.admin(http.MethodGet, "stats", nil, &st)
	return st, err
}

func (s *sim) setLatency(d time.Duration) error {
	return s.admin(http.MethodPut, "faults/config", map[string]any{"latency": d.String()}, nil)
}

// ---------------------------------------------------------------- CLI runs

type runResult struct {
	wall      time.Duration
	cliCPU    time.Duration // the CLI process and its waited-for children (the provider)
	provCPU   time.Duration // sum over the provider processes of the run
	provRSSKB int64         // the largest peak RSS of those processes
	provProcs int
	logs      string
	exitCode  int
	output    []byte
}

type provStat struct {
	UserS    float64 `json:"user_s"`
	SysS     float64 `json:"sys_s"`
	MaxRSSKB int64   `json:"maxrss_kb"`
	Logs     string  `json:"logs"`
}

func (b *bench) runCLI(cli, dir string, env []string, args ...string) (runResult, error) {
	statsFile := filepath.Join(b.work, "provider-stats.jsonl")
	_ = os.Remove(statsFile)
	cmd := exec.Command(cli, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), env...), "GITLABCI_PROVIDER_STATS_FILE="+statsFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := runResult{wall: time.Since(start), output: out.Bytes()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		res.exitCode = exitErr.ExitCode()
	} else if err != nil {
		return res, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.cliCPU = tv(ru.Utime) + tv(ru.Stime)
	}
	data, _ := os.ReadFile(statsFile)
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var ps provStat
		if len(line) == 0 || json.Unmarshal(line, &ps) != nil {
			continue
		}
		res.provProcs++
		res.provCPU += time.Duration((ps.UserS + ps.SysS) * float64(time.Second))
		res.provRSSKB = max(res.provRSSKB, ps.MaxRSSKB)
		res.logs = ps.Logs
	}
	return res, nil
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

func (r runResult) tail() string {
	lines := strings.Split(strings.TrimSpace(string(r.output)), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

const providerBlock = `terraform {
  required_providers {
    gitlabci = { source = "gitlabci-provider/gitlabci" }
  }
}

provider "gitlabci" {}
`

const variables = `variable "n" {
  type = number
}
`

// managedConfig: every attribute a user typically sets, so the plan
// exercises the validators, defaults and plan modifiers of each of them.
const managedConfig = providerBlock + variables + `
resource "gitlabci_runner" "r" {
  count            = var.n
  runner_type      = "instance_type"
  description      = "bench runner ${count.index}"
  tag_list         = ["bench", "shard-${count.index % 10}"]
  run_untagged     = false
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "created by bench/planbench"
}
`

// floorConfig: the CLI's builtin terraform_data with an object of the same
// 19 attributes and similar values; no plugin process at all.
const floorConfig = variables + `
resource "terraform_data" "r" {
  count = var.n
  input = {
    id                            = "${100000 + count.index}"
    runner_type                   = "instance_type"
    group_id                      = null
    project_id                    = null
    registration_token            = null
    registration_token_wo         = null
    registration_token_wo_version = null
    description                   = "bench runner ${count.index}"
    paused                        = false
    locked                        = false
    run_untagged                  = false
    tag_list                      = toset(["bench", "shard-${count.index % 10}"])
    access_level                  = "ref_protected"
    maximum_timeout               = 3600
    maintenance_note              = "created by bench/planbench"
    token                         = "glrt-t1_0123456789abcdefghij"
    token_expires_at              = null
    is_shared                     = true
    created_at                    = "2026-01-01T00:00:00Z"
  }
}
`

func writeDir(dir, config string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}

func cliVersion(cli string) string {
	out, _ := exec.Command(cli, "version").Output()
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}

// ---------------------------------------------------------------- plan benchmark

func (b *bench) planBench(cli string) error {
	n := *flagN
	version := cliVersion(cli)
	fmt.Printf("\n=== plan benchmark: %s, N=%d, %d timed plans of each kind\n", version, n, *flagReps)
	s, err := b.startSim()
	if err != nil {
		return err
	}
	defer s.stop()
	env := []string{"GITLAB_BASE_URL=" + s.url, "GITLAB_TOKEN=" + s.token}
	base := filepath.Join(b.work, filepath.Base(cli)+"-"+strconv.Itoa(n))
	managed, floor := filepath.Join(base, "managed"), filepath.Join(base, "floor")
	if err := writeDir(managed, managedConfig); err != nil {
		return err
	}
	if err := writeDir(floor, floorConfig); err != nil {
		return err
	}
	nvar := "-var=n=" + strconv.Itoa(n)
	common := []string{"-input=false", "-lock=false", "-no-color", nvar}

	res, err := b.runCLI(cli, managed, env, append([]string{"apply", "-auto-approve"}, common...)...)
	if err != nil || res.exitCode != 0 {
		return fmt.Errorf("apply of %d runners failed (%w):\n%s", n, err, res.tail())
	}
	fmt.Printf("created %d runners through the provider: apply %.1fs, provider CPU %.2fs (%.2f ms/runner)\n",
		n, res.wall.Seconds(), res.provCPU.Seconds(), ms(res.provCPU)/float64(n))
	res, err = b.runCLI(cli, floor, nil, append([]string{"apply", "-auto-approve"}, common...)...)
	if err != nil || res.exitCode != 0 {
		return fmt.Errorf("apply of %d terraform_data failed (%w):\n%s", n, err, res.tail())
	}

	planArgs := append([]string{"plan", "-detailed-exitcode"}, common...)
	var floorWall, managedWall, ratios, provCPU, cliCPU, floorCPU, managedCPU, reqs []float64
	routes := map[string]int64{}
	var procs int
	logs := ""
	for i := 0; i <= *flagReps; i++ {
		fr, err := b.runCLI(cli, floor, nil, planArgs...)
		if err != nil || fr.exitCode != 0 {
			return fmt.Errorf("plan of terraform_data: exit %d (%w):\n%s", fr.exitCode, err, fr.tail())
		}
		if err := s.resetStats(); err != nil {
			return err
		}
		menv := env
		if *flagProfile != "" && i > 0 {
			if err := os.MkdirAll(*flagProfile, 0o755); err != nil {
				return err
			}
			menv = append(menv, "GITLABCI_PROVIDER_CPUPROFILE="+filepath.Join(*flagProfile, fmt.Sprintf("plan-%s-n%d-rep%d", filepath.Base(cli), n, i)))
		}
		mr, err := b.runCLI(cli, managed, menv, planArgs...)
		if err != nil || mr.exitCode != 0 {
			return fmt.Errorf("plan of gitlabci_runner: exit %d (2 = changes; want none) (%w):\n%s", mr.exitCode, err, mr.tail())
		}
		st, err := s.stats()
		if err != nil {
			return err
		}
		if i == 0 {
			continue // warm-up: file cache, CLI plugin caches
		}
		floorWall = append(floorWall, fr.wall.Seconds())
		managedWall = append(managedWall, mr.wall.Seconds())
		ratios = append(ratios, mr.wall.Seconds()/fr.wall.Seconds())
		provCPU = append(provCPU, mr.provCPU.Seconds())
		cliCPU = append(cliCPU, (mr.cliCPU - mr.provCPU).Seconds())
		floorCPU = append(floorCPU, fr.cliCPU.Seconds())
		managedCPU = append(managedCPU, mr.cliCPU.Seconds())
		reqs = append(reqs, float64(st.Requests))
		routes = st.ByRoute
		procs, logs = mr.provProcs, mr.logs
		fmt.Printf("  rep %d: terraform_data %.2fs, gitlabci_runner %.2fs (%.2fx), provider CPU %.2fs in %d processes, %d requests\n",
			i, fr.wall.Seconds(), mr.wall.Seconds(), mr.wall.Seconds()/fr.wall.Seconds(), mr.provCPU.Seconds(), mr.provProcs, st.Requests)
	}
	mf, mm := median(floorWall), median(managedWall)
	fmt.Printf("\nplan (refresh included), %s, N=%d, medians of %d:\n", version, n, len(floorWall))
	fmt.Printf("  terraform_data floor   %8.2f s\n", mf)
	fmt.Printf("  gitlabci_runner        %8.2f s   = %.2fx the floor (median of per-pair ratios %.2fx; target <= 3.0x)\n", mm, mm/mf, median(ratios))
	fmt.Printf("  provider CPU           %8.2f s   = %.2f ms per runner (target <= 2 ms), %d provider processes, SDK logs %s\n",
		median(provCPU), median(provCPU)*1000/float64(n), procs, logs)
	fmt.Printf("  CLI CPU (w/o provider) %8.2f s   (terraform_data plan: %.2f s of CPU)\n", median(cliCPU), median(floorCPU))
	fmt.Printf("  CPU of the whole plan  %8.2f s   = %.2fx the terraform_data plan's CPU (CLI and provider; steadier than wall time on a shared machine)\n",
		median(managedCPU), median(managedCPU)/median(floorCPU))
	fmt.Printf("  requests               %8.0f     = %.3f per runner; by route: %s\n", median(reqs), median(reqs)/float64(n), routeString(routes))
	fmt.Printf("SUMMARY plan %s N=%d: floor %.2fs, managed %.2fs, ratio %.2fx (CPU ratio %.2fx), provider CPU %.2f ms/runner, requests %.0f (%d + %.0f)\n",
		filepath.Base(cli), n, mf, mm, mm/mf, median(managedCPU)/median(floorCPU), median(provCPU)*1000/float64(n), median(reqs), n, median(reqs)-float64(n))
	return nil
}

func routeString(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ---------------------------------------------------------------- list benchmark

const listConfig = providerBlock + `
data "gitlabci_runners" "all" {
  all = true
}

output "count" {
  value = length(data.gitlabci_runners.all.ids)
}
`

func (b *bench) listBench(cli string) error {
	n := *flagListN
	version := cliVersion(cli)
	fmt.Printf("\n=== list benchmark: data \"gitlabci_runners\" { all = true } over %d runners, %s, %d repetitions\n", n, version, *flagListReps)
	s, err := b.startSim()
	if err != nil {
		return err
	}
	defer s.stop()
	var seeded struct {
		IDs []int64 `json:"ids"`
	}
	if err := s.admin(http.MethodPost, "runners", map[string]any{
		"runner_type": "instance_type", "tags": []string{"bench"}, "description": "bench", "count": n,
	}, &seeded); err != nil {
		return err
	}
	if len(seeded.IDs) != n {
		return fmt.Errorf("seeded %d runners, want %d", len(seeded.IDs), n)
	}
	dir := filepath.Join(b.work, "list")
	if err := writeDir(dir, listConfig); err != nil {
		return err
	}
	env := []string{"GITLAB_BASE_URL=" + s.url, "GITLAB_TOKEN=" + s.token}
	// In-process, both ways: the plain framework server and the server
	// main.go serves (with its fast paths).
	fwDS, err := newDataSourceCall(s, false)
	if err != nil {
		return err
	}
	ds, err := newDataSourceCall(s, true)
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: gitlab.DefaultPageConcurrency}}
	pages := (n + 99) / 100

	for _, latency := range []time.Duration{0, 25 * time.Millisecond} {
		if err := s.setLatency(latency); err != nil {
			return err
		}
		var planWall, provCPU, provRSS, rpcWall, fwWall, bareWall, planReqs, rpcReqs []float64
		for i := 0; i <= *flagListReps; i++ {
			if err := s.resetStats(); err != nil {
				return err
			}
			r, err := b.runCLI(cli, dir, env, "plan", "-input=false", "-lock=false", "-no-color")
			if err != nil || r.exitCode != 0 {
				return fmt.Errorf("plan: exit %d (%w):\n%s", r.exitCode, err, r.tail())
			}
			st, err := s.stats()
			if err != nil {
				return err
			}
			listed := st.ByRoute["GET /api/v4/runners/all"]

			if err := s.resetStats(); err != nil {
				return err
			}
			t0 := time.Now()
			if err := ds.read(n); err != nil {
				return err
			}
			rw := time.Since(t0)
			st2, err := s.stats()
			if err != nil {
				return err
			}
			t0 = time.Now()
			if err := fwDS.read(n); err != nil {
				return err
			}
			fw := time.Since(t0)
			t0 = time.Now()
			if err := bareFetch(hc, s, pages); err != nil {
				return err
			}
			bw := time.Since(t0)
			if i == 0 {
				continue
			}
			planWall = append(planWall, r.wall.Seconds())
			provCPU = append(provCPU, r.provCPU.Seconds())
			provRSS = append(provRSS, float64(r.provRSSKB)/1024)
			rpcWall = append(rpcWall, rw.Seconds())
			fwWall = append(fwWall, fw.Seconds())
			bareWall = append(bareWall, bw.Seconds())
			planReqs = append(planReqs, float64(listed))
			rpcReqs = append(rpcReqs, float64(st2.ByRoute["GET /api/v4/runners/all"]))
		}
		fmt.Printf("\nlatency=%s, medians of %d:\n", latency, len(planWall))
		fmt.Printf("  CLI plan: wall %.3f s; provider process CPU %.3f s (target <= 0.3 s), peak RSS %.1f MB (target <= 60 MB); %.0f list requests\n",
			median(planWall), median(provCPU), median(provRSS), median(planReqs))
		fmt.Printf("  ReadDataSource through the plugin protocol, in-process: %.3f s, %.0f requests (plain framework server: %.3f s = %.2fx bare)\n",
			median(rpcWall), median(rpcReqs), median(fwWall), median(fwWall)/median(bareWall))
		fmt.Printf("  bare concurrent fetch-and-decode (%d workers):          %.3f s\n", gitlab.DefaultPageConcurrency, median(bareWall))
		fmt.Printf("SUMMARY list latency=%s: provider CPU %.3fs, peak RSS %.1fMB, ReadDataSource %.3fs = %.2fx bare fetch-and-decode %.3fs (target <= 1.25x at 25ms), CLI plan wall %.3fs, requests %.0f\n",
			latency, median(provCPU), median(provRSS), median(rpcWall), median(rpcWall)/median(bareWall), median(bareWall), median(planWall), median(planReqs))
	}
	return nil
}

// dataSourceCall is a configured in-process provider server and a
// ReadDataSource request for gitlabci_runners { all = true }, the call the
// CLI makes.
type dataSourceCall struct {
	server    tfprotov6.ProviderServer
	req       *tfprotov6.ReadDataSourceRequest
	stateType tftypes.Type
}

func newDataSourceCall(s *sim, served bool) (*dataSourceCall, error) {
	ctx := context.Background()
	newServer := providerserver.NewProtocol6WithError(provider.New("bench")())
	if served {
		newServer = provider.NewProtocol6Server("bench", true)
	}
	server, err := newServer()
	if err != nil {
		return nil, err
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	pc, err := dynamicValue(schemas.Provider, map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, s.url),
		"token":    tftypes.NewValue(tftypes.String, s.token),
	})
	if err != nil {
		return nil, err
	}
	conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.12.0", Config: &pc})
	if err != nil || len(conf.Diagnostics) > 0 {
		return nil, fmt.Errorf("ConfigureProvider: %w %v", err, conf.Diagnostics)
	}
	sch := schemas.DataSourceSchemas["gitlabci_runners"]
	cfg, err := dynamicValue(sch, map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true)})
	if err != nil {
		return nil, err
	}
	return &dataSourceCall{server: server, stateType: sch.ValueType(),
		req: &tfprotov6.ReadDataSourceRequest{TypeName: "gitlabci_runners", Config: &cfg}}, nil
}

func (d *dataSourceCall) read(want int) error {
	resp, err := d.server.ReadDataSource(context.Background(), d.req)
	if err != nil {
		return err
	}
	if len(resp.Diagnostics) > 0 {
		return fmt.Errorf("ReadDataSource: %s: %s", resp.Diagnostics[0].Summary, resp.Diagnostics[0].Detail)
	}
	v, err := resp.State.Unmarshal(d.stateType)
	if err != nil {
		return err
	}
	var obj map[string]tftypes.Value
	if err := v.As(&obj); err != nil {
		return err
	}
	var ids []tftypes.Value
	if err := obj["ids"].As(&ids); err != nil {
		return err
	}
	if len(ids) != want {
		return fmt.Errorf("state has %d ids, want %d", len(ids), want)
	}
	return nil
}

func dynamicValue(schema *tfprotov6.Schema, set map[string]tftypes.Value) (tfprotov6.DynamicValue, error) {
	typ := schema.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	return tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
}

// bareFetch gets pages 1..pages with gitlab.DefaultPageConcurrency workers
// and decodes each into []gitlab.Runner: the least any client must do.
func bareFetch(hc *http.Client, s *sim, pages int) error {
	base := s.url + "/api/v4/runners/all?per_page=100&page="
	pageCh := make(chan int)
	errCh := make(chan error, pages)
	var wg sync.WaitGroup
	for w := 0; w < gitlab.DefaultPageConcurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pageCh {
				req, err := http.NewRequest(http.MethodGet, base+strconv.Itoa(p), nil)
				if err != nil {
					errCh <- err
					continue
				}
				req.Header.Set("PRIVATE-TOKEN", s.token)
				resp, err := hc.Do(req)
				if err != nil {
					errCh <- err
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = errors.New(resp.Status)
				}
				if err != nil {
					errCh <- fmt.Errorf("page %d: %w", p, err)
					continue
				}
				var page []gitlab.Runner
				if err := json.Unmarshal(body, &page); err != nil {
					errCh <- err
				}
			}
		}()
	}
	for p := 1; p <= pages; p++ {
		pageCh <- p
	}
	close(pageCh)
	wg.Wait()
	close(errCh)
	return <-errCh
}
