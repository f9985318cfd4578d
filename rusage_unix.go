//go:build unix

package main

import "syscall"

// rusage is the process's own CPU time and peak resident set size.
// (rusage_other.go: no getrusage on Windows.)
func rusage() map[string]any {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return nil
	}
	peak, ok := peakRSSKiB()
	if !ok {
		peak = maxRSSKiB(int64(ru.Maxrss)) //nolint:unconvert // Maxrss is int32 on some unix platforms
	}
	return map[string]any{
		"user_s":    float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6,
		"sys_s":     float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6,
		"maxrss_kb": peak,
	}
}
