#pragma once
// One size N and one client-limits pass: floor, operator and peer one after
// another against the same API server, each in its own fresh namespace of N
// ClusterAgents.
//
// Passes: "default" = the operator's default client limits (QPS 20, burst 30;
// the peer gets the same); "off" = no client-side limit (the peer's
// --qps=-1, the operator's --kube-api-throttling=fixed --kube-api-qps=0).
// The floor has no client-side limit in either pass; it is measured in each
// pass all the same, so its ratios compare runs minutes apart, not half an
// hour.

#include <string>
#include <vector>

#include "bench/peer_build.h"
#include "bench/run_options.h"
#include "bench/subject_figures.h"

namespace bench {

struct SubjectSet {
  std::string operatorBinary;
  PeerBinary peer;
  // BENCH_SUBJECTS: the subjects to run (others are reported as skipped), for
  // a quicker look at one; a run for the README runs all three.
  std::vector<std::string> only{"floor", "operator", "peer"};
  bool runs(const std::string& subject) const;
};

// Operator defaults (cmd/main.cpp's KubeClientOptions, cmd/flags.h).
inline constexpr double kOperatorQps = 20;
inline constexpr int kOperatorBurst = 30;
inline constexpr int kOperatorMaxConcurrentReconciles = 2;

// Floor, operator, peer, then the floor again: the floor's figures are the
// mean of its two runs (floor_bracket.h).
std::vector<SubjectFigures> runSize(int n, const std::string& limits, const SubjectSet& subjects,
                                    const RunOptions& options);

}  // namespace bench
