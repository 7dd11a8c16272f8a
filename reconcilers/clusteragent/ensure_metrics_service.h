#pragma once
// The Service `<name>-agent-metrics` (port 8181) in front of the agent's metrics.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureMetricsService(ReconcileContext& ctx);

}  // namespace clusteragent
