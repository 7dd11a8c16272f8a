#pragma once
// The one write path for objects the operator owns: server-side apply, and
// only when the live object is missing or differs in a field we own. No
// per-kind hand comparisons: the same subset rule (owned_fields.h) serves
// Deployments, Secrets, RBAC and Services alike.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/kube/kube_client.h"

namespace ctrl::apply {

using nlohmann::json;

inline constexpr const char* kFieldManager = "clusteragent-operator";

enum class ApplyOutcome { kUnchanged, kCreated, kUpdated };
const char* outcomeName(ApplyOutcome o);  // "unchanged" | "created" | "updated"

struct ApplyOptions {
  std::string fieldManager = kFieldManager;
  // Maps desired into the shape the cache holds before comparing, for kinds
  // cached through a transform (a Secret cached as metadata plus data
  // digests compares against the digest of the desired Secret).
  std::function<json(const json&)> comparable;
};

// desired: a complete apply configuration (apiVersion, kind, metadata.name,
// metadata.namespace for namespaced kinds, the fields we own).
// live: the cached object, or nullptr when the cache has none.
// Applies with force=true (the operator is the owner of these fields; a
// conflicting manager's edit is drift to repair). Returns kCreated when there
// was no live object, kUpdated when it differed, kUnchanged without calling
// the API when it matched.
kube::StatusOr<ApplyOutcome> applyIfChanged(kube::KubeClient& client,
                                            const kube::Resource& resource, const json& desired,
                                            const json* live, const ApplyOptions& opts = {});

}  // namespace ctrl::apply
