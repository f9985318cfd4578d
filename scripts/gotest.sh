#!/usr/bin/env bash
# gotest.sh LABEL go-test-args...: runs `go test -json` and prints, through
# scripts/testsummary, package results, failures with their output, skipped
# tests with their reasons and a closing "LABEL: N passed, N failed, N
# skipped" line. The raw stream is kept in .tools/logs/LABEL.json.
set -uo pipefail
label="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.tools/logs" "$root/.tools/bin"
go build -o "$root/.tools/bin/testsummary" "$root/scripts/testsummary" || exit 1
go test -json "$@" 2>&1 | tee "$root/.tools/logs/$label.json" | "$root/.tools/bin/testsummary" "$label"
status=("${PIPESTATUS[@]}")
# go test's own status covers build failures that emit no test events.
[ "${status[0]}" -eq 0 ] && [ "${status[2]}" -eq 0 ]
