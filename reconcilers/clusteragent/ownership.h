#pragma once
// Which ClusterAgent an object belongs to, both ways: the labels and owner
// reference the reconciler stamps on every child, and the mapping an
// informer handler uses to turn a changed child back into its owner's key.

#include <string>

#include <nlohmann/json.hpp>

#include "controller/kube/resource.h"

namespace clusteragent {

using nlohmann::json;

extern const ctrl::kube::Resource kClusterAgents;

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "clusteragent-operator";
inline constexpr const char* kOwnerNameLabel = "argoproj.io/clusteragent";
// Children the owner reference cannot reach (cluster-scoped, or in another
// namespace) also carry the owner's namespace, so events on them map back.
inline constexpr const char* kOwnerNamespaceLabel = "argoproj.io/clusteragent-namespace";
inline constexpr const char* kFinalizer = "argoproj.io/clusteragent-cleanup";
// Label selector the owned-kind informers watch with.
inline constexpr const char* kManagedBySelector = "app.kubernetes.io/managed-by=clusteragent-operator";

// The controller owner reference to the ClusterAgent (blockOwnerDeletion so
// foreground deletion waits for children).
json controllerOwnerRef(const json& clusterAgent);

// Adds the ownership labels to desired (always) and the controller owner
// reference (only when desired is namespaced in the ClusterAgent's namespace).
void stampOwnership(json* desired, const json& clusterAgent, bool clusterScoped);

// "ns/name" of the owning ClusterAgent: from a controller owner reference of
// kind ClusterAgent, else from the ownership labels; "" when neither.
std::string ownerKeyOf(const json& obj);

// Whether obj is labelled as belonging to the ClusterAgent ns/name.
bool ownedBy(const json& obj, const std::string& ns, const std::string& name);

}  // namespace clusteragent
