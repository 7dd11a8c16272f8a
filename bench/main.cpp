// clusteragent-bench: `make bench`. Prints a table of microbenchmarks and of
// the operator's convergence against the real control plane. Not a test: it
// asserts nothing on timing and exits non-zero only on a real failure (no
// convergence within a generous bound, writes while nothing changed, a wrong
// answer from a benchmarked function).
//
//   clusteragent-bench [--micro-only | --cluster-only]
//   env: BENCH_N (50), BENCH_STEADY_SECONDS (20), BENCH_OPERATOR (binary)

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/convergence_benchmark.h"
#include "bench/micro_benchmarks.h"
#include "bench/report_table.h"
#include "controller/logging/logger.h"

namespace {

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n <= 0) {
    std::cerr << "bench: ignoring " << name << "=" << v << " (not a positive integer)" << std::endl;
    return fallback;
  }
  return static_cast<int>(n);
}

}  // namespace

int main(int argc, char** argv) {
  bool micro = true, cluster = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--micro-only") {
      cluster = false;
    } else if (a == "--cluster-only") {
      micro = false;
    } else {
      std::cerr << "usage: " << argv[0] << " [--micro-only | --cluster-only]\n"
                << "env: BENCH_N (default 50), BENCH_STEADY_SECONDS (20), BENCH_OPERATOR\n";
      return 2;
    }
  }
  // The benchmarked library code logs; keep the table readable.
  ctrl::logging::configure(ctrl::logging::Format::kText, ctrl::logging::Level::kWarn);

  bench::ReportTable table;
  bool ok = true;
  if (micro) ok = bench::runMicroBenchmarks(table) && ok;
  if (cluster) {
    bench::ConvergenceOptions o;
    o.count = envInt("BENCH_N", 50);
    o.steadyWindow = std::chrono::seconds(envInt("BENCH_STEADY_SECONDS", 20));
    const char* op = std::getenv("BENCH_OPERATOR");
    o.operatorBinary = op && *op ? op : OPERATOR_BINARY;
    o.logDir = std::string(PROJECT_SOURCE_DIR) + "/.cache/bench";
    mkdir((std::string(PROJECT_SOURCE_DIR) + "/.cache").c_str(), 0755);
    mkdir(o.logDir.c_str(), 0755);
    ok = bench::runConvergenceBenchmark(o, table) != bench::ConvergenceOutcome::kFailed && ok;
  }
  std::cout << "\n" << table.render() << std::flush;
  if (!ok) {
    std::cout << "\nbench: FAILED (see the messages above; the figures before the failure stand)\n";
    return 1;
  }
  return 0;
}
