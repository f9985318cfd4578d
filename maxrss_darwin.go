//go:build darwin || ios

package main

// maxRSSKiB: macOS reports ru_maxrss in bytes.
func maxRSSKiB(v int64) int64 { return v / 1024 }
