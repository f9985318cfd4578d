package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// Benchmark and profiling hooks (bench/plan.sh, bench/README.md). The CLI
// starts and stops the provider process itself, so these are the way to see
// what the process costs:
//
//   - GITLABCI_PROVIDER_STATS_FILE: at exit, append one JSON line with the
//     process's CPU time and peak RSS (getrusage) to this file;
//   - GITLABCI_PROVIDER_CPUPROFILE: write a CPU profile of the whole process
//     to <value>.<pid>.pprof.
//
// Neither is set in normal use; then nothing here runs.
const (
	envStatsFile  = "GITLABCI_PROVIDER_STATS_FILE"
	envCPUProfile = "GITLABCI_PROVIDER_CPUPROFILE"
)

type processStats struct {
	start     time.Time
	statsFile string
	profile   *os.File
	quieted   bool
}

func startProcessStats(quieted bool) *processStats {
	s := &processStats{start: time.Now(), statsFile: os.Getenv(envStatsFile), quieted: quieted}
	if prefix := os.Getenv(envCPUProfile); prefix != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d.pprof", prefix, os.Getpid()))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			s.profile = f
		}
	}
	return s
}

// stop runs when the CLI shuts the plugin down gracefully (go-plugin's
// Shutdown makes Serve return).
func (s *processStats) stop() {
	if s.profile != nil {
		pprof.StopCPUProfile()
		_ = s.profile.Close()
	}
	if s.statsFile == "" {
		return
	}
	line := map[string]any{
		"pid":    os.Getpid(),
		"wall_s": time.Since(s.start).Seconds(),
		// "off" when quietLogEnv turned the loggers off, "env" when the
		// environment's TF_LOG* settings were left to decide.
		"logs": map[bool]string{true: "off", false: "env"}[s.quieted],
	}
	for k, v := range rusage() {
		line[k] = v
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	f, err := os.OpenFile(s.statsFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	_, _ = f.Write(append(b, '\n'))
	_ = f.Close()
}
