#!/usr/bin/env bash
# Runs BenchmarkListRunners10k (bench/list_test.go) with -benchmem and prints
# the median time of each way of listing 10,000 runners, and the ratios the
# performance requirement is about. Numbers only: nothing here passes or
# fails on speed (the benchmark itself fails only if a listing does not make
# exactly 100 requests).
#
#   bench/run.sh              # COUNT=5 runs of each sub-benchmark
#   COUNT=10 bench/run.sh     # more runs, steadier medians
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
count="${COUNT:-5}"

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
    split("provider listing bare bare_decode", order, " ")
    for (l in lats) {
      for (i = 1; i <= 4; i++) {
        k = l SUBSEP order[i]
        if (!(k in median)) continue
        printf "%-8s %-12s %14.1f %12s %12.1f %12d %9.2fx %13.2fx\n", l, order[i], median[k] / 1e6, reqs[k], mem[k] / 1e6, al[k], median[k] / median[l SUBSEP "bare"], median[k] / median[l SUBSEP "bare_decode"]
      }
    }
    for (l in lats) {
      printf "SUMMARY latency=%s: listing %.1f ms = %.2fx bare (%.1f ms; target <= 1.25x), %.2fx bare_decode; data source through the plugin protocol %.1f ms = %.2fx bare; 100 requests per listing\n", l, median[l SUBSEP "listing"] / 1e6, median[l SUBSEP "listing"] / median[l SUBSEP "bare"], median[l SUBSEP "bare"] / 1e6, median[l SUBSEP "listing"] / median[l SUBSEP "bare_decode"], median[l SUBSEP "provider"] / 1e6, median[l SUBSEP "provider"] / median[l SUBSEP "bare"]
    }
  }'
