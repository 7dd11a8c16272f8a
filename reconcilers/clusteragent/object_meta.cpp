#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using json = nlohmann::json;

std::string serviceAccountName(const ClusterAgentMeta& m) {
  return m.name + "-agent";
}
std::string roleName(const ClusterAgentMeta& m, const std::string& roleNamespace) {
  // In another namespace the Role meets ClusterAgents of other namespaces:
  // two named aro-agent would both want aro-agent-agent there.
  if (roleNamespace != m.ns) return clusterRoleName(m);
  return m.name + "-agent";
}
std::string clusterRoleName(const ClusterAgentMeta& m) {
  // ':' cannot occur in a namespace or ClusterAgent name, so no two
  // ClusterAgents share a name ("team" + "a-x" and "team-a" + "x" would with
  // '-'), as Kubernetes' own system:serviceaccount:<ns>:<name> does.
  return "clusteragent:" + m.ns + ":" + m.name;
}
std::string credentialsSecretName(const ClusterAgentMeta& m) {
  return m.name + "-agent-creds";
}
std::string deploymentName(const ClusterAgentMeta& m) {
  return m.name + "-agent";
}
std::string metricsServiceName(const ClusterAgentMeta& m) {
  return m.name + "-agent-metrics";
}

json selectorLabels(const ClusterAgentMeta& m) {
  return {{"app.kubernetes.io/name", "argocd-agent"},
          {"app.kubernetes.io/instance", m.name},
          {kClusterAgentLabel, m.name}};
}

json commonLabels(const ClusterAgentMeta& m) {
  json labels = selectorLabels(m);
  labels[kManagedByLabel] = kManagedByValue;
  return labels;
}

json ownerReference(const ClusterAgentMeta& m) {
  return {{"apiVersion", kApiVersion},
          {"kind", kKind},
          {"name", m.name},
          {"uid", m.uid},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

bool canOwnerReference(const ClusterAgentMeta& m, const std::string& ns) {
  // Owner references cannot point across namespaces or from cluster scope to
  // a namespaced owner: the garbage collector would treat the owner as absent.
  return !ns.empty() && ns == m.ns;
}

json childMetadata(const ClusterAgentMeta& m, const std::string& name, const std::string& ns) {
  json md = {{"name", name}, {"labels", commonLabels(m)}};
  if (!ns.empty()) md["namespace"] = ns;
  if (canOwnerReference(m, ns)) {
    md["ownerReferences"] = json::array({ownerReference(m)});
  } else {
    md["labels"][kClusterAgentNamespaceLabel] = m.ns;
  }
  return md;
}

}  // namespace clusteragent
