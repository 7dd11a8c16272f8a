#pragma once
// The gather half of Connected and ServerReachable, run after the ensure
// steps: the agent pods from the pod cache → ctx.status.connection; the
// probe of serverAddr (scheduled, its latest result read) → ctx.status.server;
// and the connection metrics. Skipped parts (no pod cache, no observer wired)
// leave the inputs absent, and the evaluation then does not use them.

#include <string>

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult observeConnection(ReconcileContext& ctx);

// The ClusterAgent is gone, being deleted or invalid: stop probing it and
// drop its metric series.
void forgetConnection(const ReconcilerOptions& options, const std::string& ns,
                      const std::string& name);

}  // namespace clusteragent
