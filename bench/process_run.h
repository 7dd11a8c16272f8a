#pragma once
// One controller process (operator or peer) against one fresh namespace of N
// ClusterAgents: convergence (per-ClusterAgent latency from a watch), settle,
// an idle window that must write nothing, a forced no-op reconcile that must
// write nothing, startup with N existing (restart; must write nothing), a
// 10% token rotation, deletion. Fills `figures`; correctness failures are
// recorded there and stop the run.

#include "bench/bench_namespace.h"
#include "bench/process_subject.h"
#include "bench/run_options.h"
#include "bench/subject_figures.h"

namespace bench {

void runProcessSubject(const ProcessSubjectConfig& config, BenchNamespace& ns,
                       const RunOptions& options, SubjectFigures& figures);

}  // namespace bench
