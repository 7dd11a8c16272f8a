#pragma once
// What every subject run at every size shares: windows, where logs go.

#include <chrono>
#include <string>

namespace bench {

struct RunOptions {
  std::chrono::seconds idleWindow{60};  // BENCH_IDLE_SECONDS: steady state, zero writes
  int floorThreads = 8;                 // BENCH_FLOOR_THREADS
  // BENCH_FLOOR_APPLY=1: the floor writes its children by server-side apply,
  // as the operator does, instead of creates (what SSA costs the server).
  bool floorApplies = false;
  // BENCH_RECONCILERS: concurrent reconciles for both operator and peer
  // (default: the operator's own default, kOperatorMaxConcurrentReconciles).
  int reconcilers = 2;
  std::string logDir;  // <repo>/.cache/bench
};

}  // namespace bench
