//go:build !linux

package main

func peakRSSKiB() (int64, bool) { return 0, false }
