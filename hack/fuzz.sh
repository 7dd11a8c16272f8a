#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of tests/fuzz in their own clang
# configuration (build-fuzz/), then runs each for FUZZ_SECONDS (default 30) on a
# copy of its kept corpus, so the seeds in git only change by hand. Fails when
# any target crashes, leaks, hangs or trips a sanitizer; the input that did it
# is left in build-fuzz/artifacts/ (add it to the target's corpus once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
CORPUS=tests/fuzz/corpus

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DFUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD"

mkdir -p "$BUILD/artifacts"
failed=()
for seeds in "$CORPUS"/*/; do
  name=$(basename "$seeds")
  work="$BUILD/corpus/$name"
  mkdir -p "$work"
  cp "$seeds"* "$work"/
  log="$BUILD/$name.log"
  dict=()
  if [ -f "tests/fuzz/$name.dict" ]; then dict=(-dict="tests/fuzz/$name.dict"); fi
  status=0
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: runaway memory.
  "$BUILD/${name}_fuzzer" "$work" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$name-" \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    echo "fuzz $name: FAILED after ${runs:-?} executions (log $log)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 || true
  else
    echo "fuzz $name: ${runs:-?} executions in ${FUZZ_SECONDS} s, no crash"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: ${failed[*]} failed; inputs in $BUILD/artifacts/"
  exit 1
fi
