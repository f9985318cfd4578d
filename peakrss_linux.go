package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// peakRSSKiB is VmHWM of /proc/self/status: the peak resident set size of
// this process's own address space. getrusage's ru_maxrss is not that on
// Linux: execve keeps the larger of it and the RSS of the address space it
// replaces, which for a plugin is the CLI's RSS at fork (about 70 MB), so
// every provider process would seem to peak at least there.
func peakRSSKiB() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
