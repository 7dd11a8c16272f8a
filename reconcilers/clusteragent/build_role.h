#pragma once
#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
// Role `<name>-agent` in argocdNamespace: the upstream agent rules plus
// spec.rbac.extraRules. Owner-referenced only when argocdNamespace is the
// ClusterAgent's namespace.
DesiredObject buildRole(const ClusterAgentSpec& spec);
// RoleBinding `<name>-agent` in argocdNamespace, subject = the agent
// ServiceAccount in the ClusterAgent's namespace.
DesiredObject buildRoleBinding(const ClusterAgentSpec& spec);
}  // namespace clusteragent
