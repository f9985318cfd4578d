#!/usr/bin/env bash
# gotest.sh LABEL go-test-args...: runs the tests through gotestsum, which
# prints package results and then, in its summary, every skipped test with
# the output it logged (the reason it gave t.Skip) and every failed test with
# its output. The closing "LABEL: N passed, N failed, N skipped" line (CI
# reads it) is counted here from the raw event stream, kept in
# .tools/logs/LABEL.json; it counts subtests like go test does and never
# counts a skipped test as passed. gotestsum's own TESTS_FAILED also counts a
# package that failed to build, which would make "passed" (TOTAL minus the
# others) one short, so the stream is counted instead.
set -uo pipefail
label="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$root/.tools/logs/$label.json"
mkdir -p "$root/.tools/logs"
bash "$root/scripts/install-tools.sh" gotestsum || exit 1
# Text icons keep PASS/FAIL greppable; with them gotestsum marks a package
# without test files SKIP, which reads like skipped tests, so such packages
# are left out.
"$root/.tools/bin/gotestsum" --format pkgname --format-icons text --format-hide-empty-pkg --no-color \
  --jsonfile "$log" -- "$@"
status=$?
# test2json writes the fields of a test's final event in the order Time,
# Action, Package, Test (cmd/test2json's TestEvent), and a package's own
# final event has no Test field, so this counts tests only.
count() { grep -c "\"Action\":\"$1\",\"Package\":\"[^\"]*\",\"Test\":" "$log" || true; }
echo "$label: $(count pass) passed, $(count fail) failed, $(count skip) skipped"
exit "$status"
