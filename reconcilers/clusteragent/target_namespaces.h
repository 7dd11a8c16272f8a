#pragma once
// The Namespaces ClusterAgents deploy their agent into (spec.argocdNamespace),
// as the informers see them: a Namespace's opt-in labels (tenant_policy.h)
// decide whether a ClusterAgent from another namespace may target it, so a
// label change must wake those ClusterAgents.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace clusteragent {

// Index on the ClusterAgent store: spec.argocdNamespace when it names another
// namespace than the ClusterAgent's own.
inline constexpr const char* kTargetNamespaceIndex = "clusteragent-target-namespace";

std::vector<std::string> targetNamespaceKeys(const nlohmann::json& clusterAgent);

// A Namespace as cached: name, resourceVersion and labels only (every
// Namespace in the cluster is cached, so keep it small).
nlohmann::json trimNamespace(nlohmann::json ns);

}  // namespace clusteragent
