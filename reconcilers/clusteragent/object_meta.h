#pragma once
// Names, labels and owner references shared by every child of a ClusterAgent.

#include <nlohmann/json.hpp>
#include <string>

#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "clusteragent-operator";
inline constexpr const char* kClusterAgentLabel = "argoproj.io/clusteragent";
// On cluster-scoped children (and children in another namespace), which have
// no owner reference: the namespace of the owning ClusterAgent.
inline constexpr const char* kClusterAgentNamespaceLabel = "argoproj.io/clusteragent-namespace";
inline constexpr const char* kCredentialsHashAnnotation = "argoproj.io/credentials-hash";

// Children's names.
std::string serviceAccountName(const ClusterAgentMeta& m);  // <name>-agent
// The Role and RoleBinding in roleNamespace: <name>-agent in the
// ClusterAgent's own namespace, clusteragent:<ns>:<name> in another one.
std::string roleName(const ClusterAgentMeta& m, const std::string& roleNamespace);
std::string clusterRoleName(const ClusterAgentMeta& m);        // clusteragent:<ns>:<name>
std::string credentialsSecretName(const ClusterAgentMeta& m);  // <name>-agent-creds
std::string deploymentName(const ClusterAgentMeta& m);         // <name>-agent
std::string metricsServiceName(const ClusterAgentMeta& m);     // <name>-agent-metrics

// managed-by, argoproj.io/clusteragent, app.kubernetes.io/name=argocd-agent,
// app.kubernetes.io/instance=<name>.
nlohmann::json commonLabels(const ClusterAgentMeta& m);
// The subset that selects the agent pods (Deployment selector, Service selector).
nlohmann::json selectorLabels(const ClusterAgentMeta& m);
// Controller owner reference to the ClusterAgent (blockOwnerDeletion: true).
nlohmann::json ownerReference(const ClusterAgentMeta& m);

// metadata for a child named `name` in namespace `ns` ("" = cluster-scoped).
// Carries the owner reference only when `ns` is the ClusterAgent's namespace;
// otherwise labels it with the owner's namespace so the finalizer can find it.
nlohmann::json childMetadata(const ClusterAgentMeta& m, const std::string& name,
                             const std::string& ns);
bool canOwnerReference(const ClusterAgentMeta& m, const std::string& ns);

}  // namespace clusteragent
