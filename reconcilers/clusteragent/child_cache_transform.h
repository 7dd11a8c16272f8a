#pragma once
// The informer transform for the kinds the operator applies (Deployments,
// Services, ServiceAccounts, Roles, RoleBindings, ClusterRoles,
// ClusterRoleBindings). Their caches hold every object of the kind, not only
// ours, so that "not in the cache" means "does not exist" and the first apply
// of a child needs no read to make sure it takes over nothing (issue 12: that
// read was 7 of a new ClusterAgent's 22 requests). Objects of others are kept
// as the metadata the ownership check and the owner index read; ours whole,
// except other managers' managedFields entries, which the drift check never
// reads (the Deployment controller's status entry is the biggest).

#include <nlohmann/json.hpp>

namespace clusteragent {

nlohmann::json trimChildForCache(nlohmann::json obj);

}  // namespace clusteragent
