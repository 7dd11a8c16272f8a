#pragma once
// The operator binary against the real control plane: N ClusterAgents (each
// with its token Secret) are created, the operator is started, and the run
// measures convergence, the API requests it took (from the operator's own
// request counter on /metrics), a steady-state window with nothing to do, a
// forced no-op reconcile of every ClusterAgent, deletion, RSS and CPU.

#include <chrono>
#include <string>

#include "bench/report_table.h"

namespace bench {

struct ConvergenceOptions {
  int count = 50;                         // BENCH_N
  std::chrono::seconds steadyWindow{20};  // BENCH_STEADY_SECONDS
  std::string operatorBinary;             // BENCH_OPERATOR
  std::string logDir;                     // operator log goes here
};

enum class ConvergenceOutcome { kMeasured, kSkipped, kFailed };

ConvergenceOutcome runConvergenceBenchmark(const ConvergenceOptions& options, ReportTable& table);

}  // namespace bench
