#include "controller/kube/resource.h"

#include "controller/kube/request_encoding.h"

namespace ctrl::kube {

std::string Resource::collectionPath(const std::string& ns) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) path += "/namespaces/" + percentEncode(ns);
  path += "/" + plural;
  return path;
}

std::string Resource::objectPath(const std::string& ns, const std::string& name) const {
  return collectionPath(ns) + "/" + percentEncode(name);
}

namespace resources {
const Resource kNamespaces{"", "v1", "namespaces", "Namespace", false};
const Resource kPods{"", "v1", "pods", "Pod", true};
const Resource kSecrets{"", "v1", "secrets", "Secret", true};
const Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
const Resource kServices{"", "v1", "services", "Service", true};
const Resource kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const Resource kEvents{"", "v1", "events", "Event", true};
const Resource kDeployments{"apps", "v1", "deployments", "Deployment", true};
const Resource kReplicaSets{"apps", "v1", "replicasets", "ReplicaSet", true};
const Resource kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
const Resource kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding",
                             true};
const Resource kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole",
                             false};
const Resource kClusterRoleBindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                    "ClusterRoleBinding", false};
const Resource kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
const Resource kCustomResourceDefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                          "CustomResourceDefinition", false};

const std::vector<const Resource*>& wellKnown() {
  static const std::vector<const Resource*> all = {&kNamespaces,
                                                   &kPods,
                                                   &kSecrets,
                                                   &kConfigMaps,
                                                   &kServices,
                                                   &kServiceAccounts,
                                                   &kEvents,
                                                   &kDeployments,
                                                   &kReplicaSets,
                                                   &kRoles,
                                                   &kRoleBindings,
                                                   &kClusterRoles,
                                                   &kClusterRoleBindings,
                                                   &kLeases,
                                                   &kCustomResourceDefinitions};
  return all;
}

const Resource* findByKind(const std::string& apiVersion, const std::string& kind) {
  for (const Resource* r : wellKnown()) {
    if (r->kind == kind && r->apiVersion() == apiVersion) return r;
  }
  return nullptr;
}
}  // namespace resources

}  // namespace ctrl::kube
