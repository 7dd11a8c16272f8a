#pragma once
// Which ClusterAgent an object belongs to, both ways: the labels and owner
// reference the reconciler stamps on every child, and the mapping an
// informer handler uses to turn a changed child back into its owner's key.

#include <nlohmann/json.hpp>
#include <string>

#include "controller/kube/resource.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using nlohmann::json;

extern const ctrl::kube::Resource kClusterAgents;

inline constexpr const char* kFinalizer = "argoproj.io/clusteragent-cleanup";
// Label selector the owned-kind informers watch with.
inline constexpr const char* kManagedBySelector =
    "app.kubernetes.io/managed-by=clusteragent-operator";

// The builders (object_meta.h) put the labels and owner reference on every
// child; these read them back.

// "ns/name" of the owning ClusterAgent: from a controller owner reference of
// kind ClusterAgent, else from the ownership labels; "" when neither.
std::string ownerKeyOf(const json& obj);

// Whether obj is labelled as belonging to the ClusterAgent ns/name.
bool ownedBy(const json& obj, const std::string& ns, const std::string& name);

}  // namespace clusteragent
