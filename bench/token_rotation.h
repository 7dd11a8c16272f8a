#pragma once
// 10% token rotation: updates the token Secret of every tenth ClusterAgent
// and measures the time until each affected Deployment has rolled (a new
// generation: the pod-template credentials hash changed), then checks the
// other 90% were not touched (generation and pod-template annotations as
// before). Deployments are matched to their ClusterAgent by owner reference.

#include <string>

#include "bench/bench_namespace.h"

namespace bench {

struct RotationResult {
  std::string error;  // "" when measured
  int affected = 0;
  int rolled = 0;           // affected Deployments with a new generation
  int hashChanged = 0;      // ... and a different credentials-hash annotation
  int others = 0;           // not affected
  int othersUntouched = 0;  // same generation and pod-template annotations
  double seconds = 0;       // Secret updates sent -> every affected Deployment rolled
};

RotationResult rotateTokens(BenchNamespace& ns, const std::string& managedBy);

}  // namespace bench
