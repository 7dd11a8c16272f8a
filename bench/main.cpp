// clusteragent-bench: `make bench`. Prints a table of microbenchmarks and,
// per size, the operator, the floor (a bare client doing only the writes
// convergence needs) and the controller-runtime peer side by side against
// the real control plane; writes the same figures as JSON to bench/results/.
// Not a test: it asserts nothing on timing and exits non-zero only on a real
// failure (no convergence within a generous bound, writes while nothing
// changed, a wrong answer from a benchmarked function).
//
//   clusteragent-bench [--micro-only | --cluster-only]
//   env: BENCH_SIZES (10,100,1000; BENCH_N=<n> for one size), BENCH_LIMITS
//        (default,off), BENCH_IDLE_SECONDS (60), BENCH_FLOOR_THREADS (8),
//        BENCH_OPERATOR (binary), BENCH_PEER (binary; else hack/build-bench-peer.sh)

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "bench/bench_namespace.h"
#include "bench/bench_util.h"
#include "bench/micro_benchmarks.h"
#include "bench/peer_build.h"
#include "bench/report_table.h"
#include "bench/results_json.h"
#include "bench/side_by_side_table.h"
#include "bench/size_run.h"
#include "controller/logging/logger.h"
#include "tests/support/operator_process.h"

namespace {

const char kUsage[] =
    "env: BENCH_SIZES (default 10,100,1000) or BENCH_N (one size), BENCH_LIMITS (default,off),\n"
    "     BENCH_IDLE_SECONDS (60), BENCH_FLOOR_THREADS (8), BENCH_OPERATOR, BENCH_PEER,\n"
    "     BENCH_SUBJECTS (floor,operator,peer), BENCH_FLOOR_APPLY (1: children by SSA)\n";

std::vector<int> sizesFromEnv() {
  std::string sizes = bench::envString("BENCH_SIZES", "");
  if (sizes.empty()) {
    int n = bench::envInt("BENCH_N", 0);
    if (n > 0) return {n};
    sizes = "10,100,1000";
  }
  return bench::parseSizes(sizes);
}

std::vector<std::string> limitsFromEnv() {
  std::vector<std::string> out;
  for (const std::string& item :
       bench::splitList(bench::envString("BENCH_LIMITS", "default,off"))) {
    if (item == "default" || item == "off") {
      out.push_back(item);
    } else {
      std::cerr << "bench: ignoring BENCH_LIMITS item \"" << item << "\" (default or off)\n";
    }
  }
  return out;
}

// The cluster part; appends the side-by-side tables to `report`.
bool runCluster(std::string& report) {
  const std::string root = PROJECT_SOURCE_DIR;
  bench::ResultsMeta meta;
  meta.machine = bench::describeMachine();
  meta.gitCommit = bench::gitCommit(root);
  meta.sizes = sizesFromEnv();
  meta.limitsPasses = limitsFromEnv();
  int idleDefault = bench::envInt("BENCH_STEADY_SECONDS", 60);
  meta.idleSeconds = bench::envInt("BENCH_IDLE_SECONDS", idleDefault);

  bench::RunOptions options;
  options.idleWindow = std::chrono::seconds(meta.idleSeconds);
  options.floorThreads = bench::envInt("BENCH_FLOOR_THREADS", 8);
  options.floorApplies = bench::envString("BENCH_FLOOR_APPLY", "") == "1";
  options.reconcilers = bench::envInt("BENCH_RECONCILERS", bench::kOperatorMaxConcurrentReconciles);
  options.logDir = root + "/.cache/bench";
  mkdir((root + "/.cache").c_str(), 0755);
  mkdir(options.logDir.c_str(), 0755);

  bench::SubjectSet subjects;
  subjects.operatorBinary = bench::envString("BENCH_OPERATOR", OPERATOR_BINARY);
  if (access(subjects.operatorBinary.c_str(), X_OK) != 0 ||
      testsupport::helpText(subjects.operatorBinary).find("--metrics-bind-address") ==
          std::string::npos) {
    report += "cluster: SKIPPED: no usable operator binary at " + subjects.operatorBinary + "\n";
    return true;
  }
  subjects.only = bench::splitList(bench::envString("BENCH_SUBJECTS", "floor,operator,peer"));
  if (subjects.runs("peer")) {
    subjects.peer = bench::buildPeer(root, options.logDir + "/peer-build.log");
  }
  meta.peer = subjects.peer;
  std::cerr << "bench: peer: "
            << (subjects.peer.path.empty() ? "not built (" + subjects.peer.reason + ")"
                                           : subjects.peer.path)
            << std::endl;

  std::vector<bench::SubjectFigures> all;
  bool ok = true;
  for (int n : meta.sizes) {
    for (const std::string& limits : meta.limitsPasses) {
      auto figures = bench::runSize(n, limits, subjects, options);
      for (const auto& f : figures) {
        if (f.status == "failed" || !f.failures.empty()) ok = false;
      }
      std::string table = bench::renderSideBySide(figures, meta.idleSeconds);
      std::cerr << "\n" << table << std::endl;
      report += table + "\n";
      all.insert(all.end(), figures.begin(), figures.end());
    }
  }
  std::string path = bench::writeResultsJson(root + "/bench/results", meta, all);
  report += "machine: " + std::to_string(meta.machine.nproc) + " CPUs, load average at start " +
            meta.machine.loadAverageAtStart + ", " + meta.machine.kernel + "; commit " +
            meta.gitCommit + "\n";
  if (!path.empty()) report += "figures as JSON: " + path + "\n";
  return ok;
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
      std::cerr << "usage: " << argv[0] << " [--micro-only | --cluster-only]\n" << kUsage;
      return 2;
    }
  }
  // The benchmarked library code logs; keep the table readable.
  ctrl::logging::configure(ctrl::logging::Format::kText, ctrl::logging::Level::kWarn);

  bench::ReportTable table;
  bool ok = true;
  if (micro) ok = bench::runMicroBenchmarks(table) && ok;
  std::string clusterReport;
  if (cluster) ok = runCluster(clusterReport) && ok;
  bench::releaseBenchClient();
  if (micro) std::cout << "\n" << table.render();
  if (cluster) std::cout << "\n" << clusterReport;
  std::cout << std::flush;
  if (!ok) {
    std::cout << "\nbench: FAILED (see the messages above; the figures before the failure stand)\n";
    return 1;
  }
  return 0;
}
