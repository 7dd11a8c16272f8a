#pragma once
// The floor: no controller. A bare parallel client in the bench process (the
// project's CpprestKubeClient, client-side limits off) issues exactly the
// writes convergence needs, built by the operator's own pure builders
// (renderObjects, as `clusteragent-operator render`): per ClusterAgent the
// finalizer, one create per child, one status write. Plus one LIST of the
// ClusterAgents (their uid and generation). Its requests, writes and time
// are what the controllers are compared with.

#include "bench/bench_namespace.h"
#include "bench/run_options.h"
#include "bench/subject_figures.h"

namespace bench {

void runFloor(BenchNamespace& ns, const RunOptions& options, SubjectFigures& figures);

}  // namespace bench
