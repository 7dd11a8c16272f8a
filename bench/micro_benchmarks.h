#pragma once
// Pure microbenchmarks (no server): the per-object costs that scale with the
// number of ClusterAgents and children the operator watches.

#include "bench/report_table.h"

namespace bench {

// Returns false when a benchmarked function gave a wrong answer (a bug, not
// a slow run), e.g. ownedFieldsMatch rejecting the server-populated copy.
bool runMicroBenchmarks(ReportTable& table);

}  // namespace bench
