#pragma once
// Role + RoleBinding `<name>-agent` in argocdNamespace; ClusterRole +
// ClusterRoleBinding `clusteragent-<ns>-<name>` only with rbac.clusterWide.
// Anything RBAC labelled as this ClusterAgent's that is no longer wanted
// (clusterWide turned off, argocdNamespace moved) is deleted.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureRbac(ReconcileContext& ctx);

}  // namespace clusteragent
