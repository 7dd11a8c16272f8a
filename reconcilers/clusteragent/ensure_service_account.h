#pragma once
// The agent's ServiceAccount `<name>-agent`.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureServiceAccount(ReconcileContext& ctx);

// Builder options shared by every ensure step.
struct BuildOptions;
BuildOptions buildOptionsFor(const ReconcileContext& ctx);

}  // namespace clusteragent
