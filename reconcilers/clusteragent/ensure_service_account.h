#pragma once
// The agent's ServiceAccount `<name>-agent`.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureServiceAccount(ReconcileContext& ctx);

}  // namespace clusteragent
