//go:build !unix

package main

func rusage() map[string]any { return nil }
