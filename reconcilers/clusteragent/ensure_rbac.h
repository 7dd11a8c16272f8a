#pragma once
// Role + RoleBinding `<name>-agent` in argocdNamespace; ClusterRole +
// ClusterRoleBinding `clusteragent:<ns>:<name>` (Namespaces read-only, more
// with rbac.clusterWide). Anything RBAC labelled as this ClusterAgent's that
// is no longer wanted (argocdNamespace moved) is deleted.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureRbac(ReconcileContext& ctx);

}  // namespace clusteragent
