#include "reconcilers/clusteragent/build_cluster_role.h"

#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using json = nlohmann::json;

DesiredObject buildClusterRole(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  // The agent always runs a cluster-wide Namespace informer and exits when it
  // cannot sync it (upstream agent/agent.go), so every agent may read
  // Namespaces; that grants nothing a tenant could misuse. rbac.clusterWide
  // adds the rest of upstream's ClusterRole: creating namespaces and
  // Applications in any of them.
  json namespaceVerbs = {"get", "list", "watch"};
  if (spec.rbac.clusterWide) namespaceVerbs.push_back("create");
  json rules = json::array(
      {{{"apiGroups", {""}}, {"resources", {"namespaces"}}, {"verbs", std::move(namespaceVerbs)}}});
  if (spec.rbac.clusterWide) {
    rules.push_back({{"apiGroups", {"argoproj.io"}},
                     {"resources", {"applications"}},
                     {"verbs", {"get", "list", "watch", "create", "update", "patch", "delete"}}});
  }
  json cr = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
             {"kind", "ClusterRole"},
             {"metadata", childMetadata(m, clusterRoleName(m), "")},
             {"rules", std::move(rules)}};
  return {ctrl::kube::resources::kClusterRoles, std::move(cr), false};
}

DesiredObject buildClusterRoleBinding(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  // Upstream hard-codes the subject namespace to "argocd"; bind the real one.
  json crb = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", childMetadata(m, clusterRoleName(m), "")},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "ClusterRole"},
        {"name", clusterRoleName(m)}}},
      {"subjects",
       json::array(
           {{{"kind", "ServiceAccount"}, {"name", serviceAccountName(m)}, {"namespace", m.ns}}})}};
  return {ctrl::kube::resources::kClusterRoleBindings, std::move(crb), false};
}

}  // namespace clusteragent
