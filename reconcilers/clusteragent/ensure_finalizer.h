#pragma once
// Adds the cleanup finalizer before anything is created: cluster-scoped RBAC
// (and RBAC in another namespace) cannot carry an owner reference to the
// ClusterAgent, so only the finalizer guarantees it is removed.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

bool hasFinalizer(const json& obj);
StepResult ensureFinalizer(ReconcileContext& ctx);

// Writes metadata.finalizers with the cached resourceVersion as an optimistic
// lock (a concurrent change makes it a Conflict, retried with fresh state).
ctrl::kube::Status writeFinalizers(ReconcileContext& ctx, const json& finalizers);

}  // namespace clusteragent
