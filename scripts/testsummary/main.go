// Command testsummary reads `go test -json` on stdin and prints what a CI
// reader needs: package results, each failed test with its output, each
// skipped test with the reason it gave, and a closing line
// "LABEL: N passed, N failed, N skipped". A skipped test never counts as
// passed. The exit status is 1 when any test or package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	label := "tests"
	if len(os.Args) > 1 {
		label = os.Args[1]
	}
	os.Exit(summarize(os.Stdin, os.Stdout, label))
}

// summarize reads the event stream from in, writes the summary to out and
// returns the exit status.
func summarize(in io.Reader, out io.Writer, label string) int {
	output := map[string][]string{} // package/test -> output lines
	var passed, failed, skipped int
	var failures, packages []string
	var skips []skip
	pkgFailed := false

	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Build errors and other non-JSON lines are printed as they come.
			fmt.Fprintln(out, string(line))
			continue
		}
		key := e.Package + "/" + e.Test
		switch e.Action {
		case "build-output":
			// Compiler errors: go test reports the package as failed later.
			fmt.Fprint(out, e.Output)
		case "output":
			output[key] = append(output[key], e.Output)
		case "pass":
			if e.Test != "" {
				passed++
			} else {
				packages = append(packages, lastLine(output[key]))
			}
		case "fail":
			if e.Test != "" {
				failed++
				failures = append(failures, e.Test+"\n"+strings.Join(output[key], ""))
			} else {
				pkgFailed = true
				packages = append(packages, "FAIL\t"+e.Package+"\n"+strings.Join(output[key], ""))
			}
		case "skip":
			if e.Test != "" {
				skipped++
				skips = append(skips, skip{test: e.Test, reason: skipReason(output[key])})
			} else {
				packages = append(packages, lastLine(output[key]))
			}
		}
	}
	for _, p := range packages {
		fmt.Fprintln(out, strings.TrimRight(p, "\n"))
	}
	printSkips(out, skips)
	for _, f := range failures {
		fmt.Fprintln(out, "--- FAIL:", strings.TrimRight(f, "\n"))
	}
	fmt.Fprintf(out, "%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped)
	if failed > 0 || pkgFailed {
		return 1
	}
	return 0
}

func lastLine(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if s := strings.TrimSpace(lines[i]); s != "" {
			return s
		}
	}
	return ""
}

// skipReason is the message t.Skip logged: the last output line that is
// not one of go test's own "=== RUN" / "--- SKIP" markers.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		s := strings.TrimSpace(lines[i])
		if s == "" || strings.HasPrefix(s, "===") || strings.HasPrefix(s, "---") {
			continue
		}
		return s
	}
	return "(no reason given)"
}

type skip struct{ test, reason string }

// printSkips lists each skipped test with its reason; tests skipped for the
// same reason (acceptance tests in a unit run, say) share one line.
func printSkips(out io.Writer, skips []skip) {
	byReason := map[string][]string{}
	var reasons []string
	for _, s := range skips {
		// Drop the "file_test.go:12: " prefix so equal reasons group.
		r := s.reason
		if i := strings.Index(r, ".go:"); i >= 0 {
			if j := strings.Index(r[i:], ": "); j >= 0 {
				r = r[i+j+2:]
			}
		}
		if _, ok := byReason[r]; !ok {
			reasons = append(reasons, r)
		}
		byReason[r] = append(byReason[r], s.test)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		tests := byReason[r]
		sort.Strings(tests)
		if len(tests) > 3 {
			fmt.Fprintf(out, "skipped %d tests (%s, ...): %s\n", len(tests), strings.Join(tests[:3], ", "), r)
			continue
		}
		for _, t := range tests {
			fmt.Fprintf(out, "skipped %s: %s\n", t, r)
		}
	}
}
