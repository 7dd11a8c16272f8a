#pragma once
// A ClusterAgent being deleted: remove what its owner references cannot
// reach (cluster-scoped ClusterRole/Binding, Role/RoleBinding in another
// namespace), then release the finalizer. Namespaced children with owner
// references are left to the garbage collector.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

// Done when the finalizer was released (or was never there).
ctrl::kube::Status finalizeDeletion(ReconcileContext& ctx);

// Deletes ctx's children that no owner reference reaches: cluster-scoped
// ClusterRoles/Bindings and Roles/RoleBindings in other namespaces, as the
// cache shows them labelled. Also what is left when a ClusterAgent went
// without its finalizer running (the finalizer removed by hand).
ctrl::kube::Status deleteUnreachableChildren(ReconcileContext& ctx);

// Deletes ctx's Roles and RoleBindings outside its own namespace: what an
// argocdNamespace opt-in granted, when the opt-in is withdrawn.
ctrl::kube::Status deleteCrossNamespaceRbac(ReconcileContext& ctx);

// Deletes every cached object in store owned by ctx's ClusterAgent for which
// keep(key) is false; NotFound counts as deleted. keep sees the cache key
// ("ns/name", or "name" when cluster-scoped) so that what is kept, nearly
// always the one child the ClusterAgent wants, is never decoded.
ctrl::kube::Status deleteOwned(ReconcileContext& ctx, const ctrl::cache::Store* store,
                               const ctrl::kube::Resource& r,
                               const std::function<bool(const std::string& key)>& keep);

}  // namespace clusteragent
