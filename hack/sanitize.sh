#!/usr/bin/env bash
# `make test-asan` / `make test-tsan`: builds unit_tests and integration_tests
# (and the programs they start) under clang's sanitizers in a configuration of
# their own (build-asan/, build-tsan/), then runs the unit and integration tiers
# with options that make any report fail the run. Every process the tests start
# (the operator binary, the process kubelet, its test server) is instrumented
# too and writes its reports under <build>/sanitizer-logs/; a report there fails
# the run even when the test that caused it passed.
#   hack/sanitize.sh address   # ASan + UBSan (build-asan/): unit and integration tiers
#                              # (SANITIZE_TIERS=unit: the unit tier only)
#   hack/sanitize.sh thread    # TSan (build-tsan/): the unit tier without the suites that
#                              # drive cpprestsdk (see below)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

kind=${1:-}
case "$kind" in
  address) BUILD=${SANITIZE_BUILD_DIR:-build-asan} ;;
  thread) BUILD=${SANITIZE_BUILD_DIR:-build-tsan} ;;
  *) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DSANITIZE="$kind" -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Sanitize -DBUILD_BENCH=OFF >/dev/null
fi
# SANITIZE_TIERS=unit: the unit tier alone (what CI runs, for its time).
unit_only=0
if [ "${SANITIZE_TIERS:-}" = unit ]; then
  unit_only=1
elif [ -n "${SANITIZE_TIERS:-}" ]; then
  echo "SANITIZE_TIERS: 'unit' or unset, not '$SANITIZE_TIERS'" >&2
  exit 2
fi
if [ "$kind" = thread ] && [ "${SANITIZE_TSAN_INTEGRATION:-0}" != 1 ]; then
  unit_only=1
fi
targets=(unit_tests integration_tests)
[ "$unit_only" = 1 ] && targets=(unit_tests)
started=$SECONDS
cmake --build "$BUILD" --target "${targets[@]}"

LOGS="$ROOT/$BUILD/sanitizer-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
SUPP="$ROOT/tests/sanitizers"
common="halt_on_error=1:print_stacktrace=1"
if [ "$kind" = address ]; then
  export ASAN_OPTIONS="$common:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$LOGS/asan"
  export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="$common:suppressions=$SUPP/ubsan.supp:log_path=$LOGS/ubsan"
else
  export TSAN_OPTIONS="$common:second_deadlock_stack=1:suppressions=$SUPP/tsan.supp:log_path=$LOGS/tsan"
fi

# Only the C++ test programs of the tiers: the shell and Go checks that share
# the labels have nothing instrumented to run.
tiers='^(unit|integration)$'
programs='^(unit|integration)_tests$'
if [ "$unit_only" = 1 ]; then
  tiers='^unit$'
  programs='^unit_tests$'
fi
built=$SECONDS
if [ "$kind" = thread ]; then
  # TSan sees no synchronisation inside libcpprest.so (cpprestsdk, its pplx
  # tasks and boost::asio are not instrumented): every test that sends HTTP
  # through it reports races between the library's threads and ours, on
  # objects the library hands over or frees (tests/sanitizers/tsan.supp).
  # The integration tier talks to kube-apiserver only through it, so it runs
  # under TSan only on request (SANITIZE_TSAN_INTEGRATION=1); so do the unit
  # suites that drive the client, the health server (plain and secure
  # metrics) or the connection guard (in front of the listener) over loopback.
  if [ "${SANITIZE_TSAN_INTEGRATION:-0}" != 1 ]; then
    export GTEST_FILTER="${GTEST_FILTER:--CpprestKubeClient*:HealthServerTest.*:SecureMetricsTest.*:ConnectionGuardTest.*}"
  fi
fi

status=0
ctest --test-dir "$BUILD" --output-on-failure -L "$tiers" -R "$programs" || status=$?

reports=("$LOGS"/*)
if [ -e "${reports[0]}" ]; then
  echo "sanitize $kind: reports in $LOGS:"
  for r in "${reports[@]}"; do
    echo "---- $r"
    head -60 "$r"
  done
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "sanitize $kind: FAILED"
else
  echo "sanitize $kind: ${targets[*]} passed, no sanitizer report"
fi
echo "sanitize $kind: build $((built - started)) s, tests $((SECONDS - built)) s"
exit $status
