#include "reconcilers/clusteragent/build_cluster_role.h"

#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using json = nlohmann::json;

DesiredObject buildClusterRole(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  json rules = json::array({
      {{"apiGroups", {""}},
       {"resources", {"namespaces"}},
       {"verbs", {"get", "list", "watch", "create"}}},
      {{"apiGroups", {"argoproj.io"}},
       {"resources", {"applications"}},
       {"verbs", {"get", "list", "watch", "create", "update", "patch", "delete"}}},
  });
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
