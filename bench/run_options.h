#pragma once
// What every subject run at every size shares: windows, where logs go.

#include <chrono>
#include <string>

namespace bench {

struct RunOptions {
  std::chrono::seconds idleWindow{60};  // BENCH_IDLE_SECONDS: steady state, zero writes
  int floorThreads = 8;                 // BENCH_FLOOR_THREADS
  std::string logDir;                   // <repo>/.cache/bench
};

}  // namespace bench
