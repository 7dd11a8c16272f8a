#pragma once
// The operator creates a child it does not have with a POST (a create costs
// the API server less than an apply that creates: issue 12 measured the floor
// writing 1000 ClusterAgents' children in 32.6-39.1 s by create, 47.5-50.2 s
// by apply). A POST
// records our manager with operation Update, and server-side apply treats
// (manager, Update) and (manager, Apply) as two managers: fields the Update
// entry holds are not removed when a later apply stops sending them (seen on
// the real API server: a label dropped from desired stayed). So before the
// first apply to such an object, its Update entry is turned into our Apply
// entry, as `kubectl apply --server-side` does for client-side-apply objects
// (client-go's csaupgrade): one JSON patch of managedFields that first tests
// the entries it changes, so it fails (422) rather than act on entries that
// changed since the read. Not a resourceVersion: the Deployment controller
// writes status often enough to make that conflict on nearly every try.
//
// The Update entry also holds the fields the API server defaulted on create
// (a Service's sessionAffinity); the first apply after the upgrade drops the
// ones desired does not send and the server defaults them again to the same
// values, after which our Apply entry holds what we send.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/kube/kube_client.h"

namespace ctrl::apply {

using nlohmann::json;

// The JSON patch that folds `manager`'s Update entries on the main resource
// into its Apply entry there (the first Update entry becomes it when there is
// none), leaving every other entry as it is. nullopt: no such Update entry,
// nothing to upgrade.
std::optional<json> ownershipUpgradePatch(const json& managedFields, const std::string& manager);

// Upgrades the object's managedFields on the server when `manager` holds
// fields there through Update. fresh: the object as just read from the
// server (whole, managedFields untrimmed), or nullptr to read it here. An
// error (kInvalid when our entries changed since the read) stops the caller's
// apply; its retry reads again.
kube::Status upgradeToApplyOwnership(kube::KubeClient& client, const kube::Resource& resource,
                                     const std::string& ns, const std::string& name,
                                     const std::string& manager, const json* fresh);

}  // namespace ctrl::apply
