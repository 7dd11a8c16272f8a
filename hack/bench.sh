#!/usr/bin/env bash
# `make bench`: microbenchmarks, then floor / operator / peer side by side
# against the local control plane (started if needed; left running for the
# next run, like the tests do), at each size. Prints the tables and writes
# the figures as JSON to bench/results/. See bench/README.md for how to read it.
#   BENCH_SIZES=10,100 make bench     # sizes (default 10,100,1000); BENCH_N=200 for one
#   BENCH_IDLE_SECONDS=20 make bench  # idle window (default 60 s)
#   BENCH_LIMITS=default make bench   # skip the pass without client-side limits
#   make bench BENCH_ARGS=--micro-only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cd "$ROOT"

[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja
cmake --build "$BUILD_DIR" --target clusteragent-bench clusteragent-operator

echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); absolute times are noisy here, ratios less so" >&2
exec "$BUILD_DIR/clusteragent-bench" ${BENCH_ARGS:-}
