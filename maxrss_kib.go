//go:build unix && !darwin && !ios

package main

// maxRSSKiB: Linux and the BSDs report ru_maxrss in KiB.
func maxRSSKiB(v int64) int64 { return v }
