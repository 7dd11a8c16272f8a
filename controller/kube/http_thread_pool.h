#pragma once
// The size of cpprestsdk's one shared thread pool, which runs every HTTP
// client and listener I/O handler and every pplx continuation in the process.
//
// cpprestsdk starts 40 threads unless told otherwise before its first use.
// The operator's own threads (reflectors, workers) block on the client's
// requests; the pool's threads only complete them, and a handful keeps up
// with the API server. Forty idle threads cost context switches instead: each
// completion wakes one of them and hands the result to a waiting thread
// (about 30% of the operator's CPU in a profile of a rollout of 1000
// ClusterAgents), plus their stacks and malloc arenas.
//
// Nothing may block a pool thread on another pool thread's work, or a small
// pool deadlocks; the one handler that waits on the API server (a /metrics
// authorization) is capped below this size (MetricsAuthorizerOptions).

#include <cstddef>

#include "controller/kube/status.h"

namespace ctrl::kube {

inline constexpr size_t kDefaultHttpThreads = 4;

// Sizes the pool. Call once, first thing in main(), before any client or
// listener exists; fails (kInternal) if the pool already runs.
Status configureHttpThreadPool(size_t threads = kDefaultHttpThreads);

}  // namespace ctrl::kube
