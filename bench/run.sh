#!/usr/bin/env bash
# make bench: prints numbers, never fails on speed.
#
#   1. bench/planbench (real CLI processes against the standalone simulator):
#      refresh-plan of N gitlabci_runner vs N terraform_data, alternating, on
#      each CLI; then data "gitlabci_runners" { all = true } over 10,000
#      runners at 0 and 25 ms per request (provider CPU, peak RSS, wall).
#   2. BenchmarkListRunners10k (bench/list_test.go, in-process) with
#      -benchmem: the median time of each way of listing 10,000 runners and
#      the ratios (the benchmark fails only if a listing does not make
#      exactly 100 requests).
#   3. BenchmarkGetProviderSchema: the provider's start.
#
#   bench/run.sh                   # everything: N=1000, OpenTofu and Terraform
#   N=3000 bench/run.sh plan       # the plan benchmark only, 3,000 runners
#   CLIS=tofu REPS=3 bench/run.sh plan list
#   COUNT=10 bench/run.sh go       # in-process benchmarks, more runs
#   PROFILE=/tmp/prof bench/run.sh plan   # CPU profiles of the provider (bench/README.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
count="${COUNT:-5}"
parts="${*:-plan list go}"

want() { [[ " $parts " == *" $1 "* ]]; }

if want plan || want list; then
  args=(-n "${N:-1000}" -reps "${REPS:-5}" -cli "${CLIS:-tofu,terraform}" -list-reps "${REPS:-5}")
  want plan || args+=(-plan=false)
  want list && args+=(-list)
  [ -n "${PROFILE:-}" ] && args+=(-profile "$PROFILE")
  go run ./bench/planbench "${args[@]}"
fi
want go || exit 0

go test ./bench -run '^$' -bench 'BenchmarkGetProviderSchema' -benchmem -count "$count" | grep -E '^Benchmark' || true

raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
go test ./bench -run '^$' -bench 'BenchmarkListRunners10k' -benchmem -count "$count" -timeout 60m | tee "$raw"

# Lines look like:
# BenchmarkListRunners10k/latency=0s/listing-2  13  105568575 ns/op  100.0 requests/op  67029105 B/op  193215 allocs/op
grep -E '^BenchmarkListRunners10k/' "$raw" | awk '{
  split($1, part, "/"); lat = part[2]; sub(/^latency=/, "", lat); name = part[3]; sub(/-[0-9]+$/, "", name)
  for (i = 3; i < NF; i++) {
    if ($(i+1) == "ns/op") ns = $i
    if ($(i+1) == "requests/op") req = $i
    if ($(i+1) == "B/op") bytes = $i
    if ($(i+1) == "allocs/op") allocs = $i
  }
  print lat, name, ns, req, bytes, allocs
}' | sort -k1,1 -k2,2 -k3,3n | awk '
  function flush() {
    if (n == 0) return
    med = (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
    key = lat SUBSEP name; median[key] = med; reqs[key] = r; mem[key] = b; al[key] = a
    lats[lat] = 1; n = 0
  }
  { if ($1 != lat || $2 != name) { flush(); lat = $1; name = $2 } v[++n] = $3; r = $4; b = $5; a = $6 }
  END {
    flush()
    printf "\n%-8s %-12s %14s %12s %12s %12s %10s %14s\n", "latency", "path", "median ms/op", "requests/op", "MB/op", "allocs/op", "vs bare", "vs bare_decode"
    split("provider framework listing bare bare_decode", order, " ")
    for (l in lats) {
      for (i = 1; i <= 5; i++) {
        k = l SUBSEP order[i]
        if (!(k in median)) continue
        printf "%-8s %-12s %14.1f %12s %12.1f %12d %9.2fx %13.2fx\n", l, order[i], median[k] / 1e6, reqs[k], mem[k] / 1e6, al[k], median[k] / median[l SUBSEP "bare"], median[k] / median[l SUBSEP "bare_decode"]
      }
    }
    for (l in lats) {
      printf "SUMMARY latency=%s: listing %.1f ms = %.2fx bare (%.1f ms; target <= 1.25x), %.2fx bare_decode; data source through the plugin protocol %.1f ms = %.2fx bare_decode (plain framework server %.1f ms); 100 requests per listing\n", l, median[l SUBSEP "listing"] / 1e6, median[l SUBSEP "listing"] / median[l SUBSEP "bare"], median[l SUBSEP "bare"] / 1e6, median[l SUBSEP "listing"] / median[l SUBSEP "bare_decode"], median[l SUBSEP "provider"] / 1e6, median[l SUBSEP "provider"] / median[l SUBSEP "bare_decode"], median[l SUBSEP "framework"] / 1e6
    }
  }'
