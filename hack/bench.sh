#!/usr/bin/env bash
# `make bench`: microbenchmarks, then the operator binary against the local
# control plane (started if needed; left running for the next run, like the
# tests do). Prints one table. See bench/README.md for how to read it.
#   BENCH_N=200 make bench          # more ClusterAgents (default 50)
#   BENCH_STEADY_SECONDS=60 make bench
#   make bench BENCH_ARGS=--micro-only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cd "$ROOT"

[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja
cmake --build "$BUILD_DIR" --target clusteragent-bench clusteragent-operator

echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); absolute times are noisy here, ratios less so" >&2
exec "$BUILD_DIR/clusteragent-bench" ${BENCH_ARGS:-}
