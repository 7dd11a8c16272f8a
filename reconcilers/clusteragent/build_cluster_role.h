#pragma once
#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
// Wanted for every ClusterAgent (upstream's agent needs Namespaces
// cluster-wide). Cluster-scoped: never owner-referenced (ownerReferenced ==
// false), deleted by the finalizer.
// ClusterRole `clusteragent:<ns>:<name>`: namespaces get/list/watch; with
// rbac.clusterWide also namespaces create and applications (seven verbs).
DesiredObject buildClusterRole(const ClusterAgentSpec& spec);
// ClusterRoleBinding of the same name; subject = the agent ServiceAccount in
// its real namespace.
DesiredObject buildClusterRoleBinding(const ClusterAgentSpec& spec);
}  // namespace clusteragent
