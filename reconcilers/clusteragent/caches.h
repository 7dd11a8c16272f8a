#pragma once
// The informer caches the reconciler reads live state from (never GETs, but
// for the one Secret value it must copy). Owned kinds are watched with the
// managed-by label selector; Secrets are watched in full but cached through
// digestSecret (no values). Every owned-kind store carries kOwnerIndex.

#include "controller/cache/store.h"

namespace clusteragent {

// Index on owned kinds: the owning ClusterAgent's "ns/name" (ownerKeyOf).
inline constexpr const char* kOwnerIndex = "clusteragent-owner";

struct Caches {
  const ctrl::cache::Store* clusterAgents = nullptr;
  const ctrl::cache::Store* deployments = nullptr;
  const ctrl::cache::Store* services = nullptr;
  const ctrl::cache::Store* serviceAccounts = nullptr;
  const ctrl::cache::Store* secrets = nullptr;  // digested
  const ctrl::cache::Store* roles = nullptr;
  const ctrl::cache::Store* roleBindings = nullptr;
  const ctrl::cache::Store* clusterRoles = nullptr;
  const ctrl::cache::Store* clusterRoleBindings = nullptr;
  const ctrl::cache::Store* pods = nullptr;  // agent pods, trimmed (agent_pods.h)
  // Namespaces, trimmed to name and labels: the argocdNamespace opt-in label
  // (tenant_policy.h). Null: no Namespace is known (every opt-in is absent).
  const ctrl::cache::Store* namespaces = nullptr;
};

}  // namespace clusteragent
