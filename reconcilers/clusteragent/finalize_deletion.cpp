#include "reconcilers/clusteragent/finalize_deletion.h"

#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/ensure_finalizer.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;

ctrl::kube::Status deleteIgnoringNotFound(ReconcileContext& ctx, const ctrl::kube::Resource& r,
                                          const std::string& ns, const std::string& name) {
  auto s = ctx.client.remove(r, r.namespaced ? ns : "", name);
  if (s.isOk()) {
    ctrl::logging::info(
        "deleted child",
        {{"clusteragent", ctx.key}, {"kind", r.kind}, {"namespace", ns}, {"name", name}});
    return s;
  }
  if (ctrl::kube::isNotFound(s)) return ctrl::kube::Status::ok();
  return s;
}

}  // namespace

ctrl::kube::Status deleteOwned(ReconcileContext& ctx, const ctrl::cache::Store* store,
                               const ctrl::kube::Resource& r,
                               const std::function<bool(const std::string& key)>& keep) {
  if (store == nullptr) return ctrl::kube::Status::ok();
  ctrl::kube::Status first;
  for (const auto& key : store->keysByIndex(kOwnerIndex, ctx.key)) {
    if (keep && keep(key)) continue;
    auto obj = store->get(key);
    if (obj == nullptr || !ownedBy(*obj, ctx.ns, ctx.name)) continue;
    auto s = deleteIgnoringNotFound(ctx, r,
                                    obj->value("/metadata/namespace"_json_pointer, std::string()),
                                    obj->value("/metadata/name"_json_pointer, std::string()));
    if (!s.isOk() && first.isOk()) first = s;
  }
  return first;
}

ctrl::kube::Status deleteCrossNamespaceRbac(ReconcileContext& ctx) {
  const std::string ownPrefix = ctx.ns + "/";
  auto ownNamespace = [&](const std::string& key) {
    return key.compare(0, ownPrefix.size(), ownPrefix) == 0;  // keep: GC'd
  };
  // Bindings first: a Role without its binding grants nothing.
  if (auto s = deleteOwned(ctx, ctx.caches.roleBindings, res::kRoleBindings, ownNamespace);
      !s.isOk()) {
    return s;
  }
  return deleteOwned(ctx, ctx.caches.roles, res::kRoles, ownNamespace);
}

ctrl::kube::Status deleteUnreachableChildren(ReconcileContext& ctx) {
  // Only what the cache shows labelled as ours: that also covers a
  // ClusterRole named before clusteragent:<ns>:<name> (clusteragent-<ns>-<name>).
  std::vector<ctrl::kube::Status> results = {
      deleteOwned(ctx, ctx.caches.clusterRoleBindings, res::kClusterRoleBindings, nullptr),
      deleteOwned(ctx, ctx.caches.clusterRoles, res::kClusterRoles, nullptr),
      deleteCrossNamespaceRbac(ctx),
  };
  for (const auto& s : results) {
    if (!s.isOk()) return s;
  }
  return ctrl::kube::Status::ok();
}

ctrl::kube::Status finalizeDeletion(ReconcileContext& ctx) {
  if (!hasFinalizer(ctx.cr)) return ctrl::kube::Status::ok();
  if (auto s = deleteUnreachableChildren(ctx); !s.isOk()) return s;
  json finalizers = json::array();
  for (const auto& f : ctx.cr.value("/metadata/finalizers"_json_pointer, json::array())) {
    if (f != kFinalizer) finalizers.push_back(f);
  }
  auto s = writeFinalizers(ctx, finalizers);
  if (ctrl::kube::isNotFound(s)) return ctrl::kube::Status::ok();
  if (s.isOk()) {
    ctrl::logging::info("released finalizer",
                        {{"clusteragent", ctx.key}, {"finalizer", kFinalizer}});
  }
  return s;
}

}  // namespace clusteragent
