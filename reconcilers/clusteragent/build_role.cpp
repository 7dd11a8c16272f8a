#include "reconcilers/clusteragent/build_role.h"

#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using json = nlohmann::json;

namespace {
const json kAllVerbs = {"get", "list", "watch", "create", "update", "patch", "delete"};
}

DesiredObject buildRole(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  // What upstream's install/kubernetes/agent Role grants the agent.
  json rules = json::array({
      {{"apiGroups", {"argoproj.io"}},
       {"resources", {"applications", "appprojects", "applicationsets"}},
       {"verbs", kAllVerbs}},
      {{"apiGroups", {""}}, {"resources", {"secrets", "configmaps"}}, {"verbs", kAllVerbs}},
      {{"apiGroups", {""}}, {"resources", {"events"}}, {"verbs", {"create", "list"}}},
  });
  for (const auto& r : spec.rbac.extraRules) rules.push_back(r);
  json role = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "Role"},
      {"metadata", childMetadata(m, roleName(m, spec.argocdNamespace), spec.argocdNamespace)},
      {"rules", std::move(rules)}};
  return {ctrl::kube::resources::kRoles, std::move(role),
          canOwnerReference(m, spec.argocdNamespace)};
}

DesiredObject buildRoleBinding(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  json rb = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "RoleBinding"},
      {"metadata", childMetadata(m, roleName(m, spec.argocdNamespace), spec.argocdNamespace)},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "Role"},
        {"name", roleName(m, spec.argocdNamespace)}}},
      {"subjects",
       json::array(
           {{{"kind", "ServiceAccount"}, {"name", serviceAccountName(m)}, {"namespace", m.ns}}})}};
  return {ctrl::kube::resources::kRoleBindings, std::move(rb),
          canOwnerReference(m, spec.argocdNamespace)};
}

}  // namespace clusteragent
