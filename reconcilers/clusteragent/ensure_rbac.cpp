#include "reconcilers/clusteragent/ensure_rbac.h"

#include "reconcilers/clusteragent/builders.h"
#include "reconcilers/clusteragent/ensure_service_account.h"
#include "reconcilers/clusteragent/finalize_deletion.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;
using ctrl::kube::Status;

// Applies desired, then deletes the other objects of r labelled as ours.
Status applyAndPrune(ReconcileContext& ctx, const ctrl::cache::Store* store,
                     const ctrl::kube::Resource& r, const json* desired) {
  std::string wantNs, wantName;
  if (desired != nullptr) {
    wantNs = r.namespaced ? (*desired)["metadata"].value("namespace", "") : "";
    wantName = (*desired)["metadata"].value("name", "");
    const json* live = ctx.cached(store, wantNs, wantName);
    auto a = ctx.apply(r, *desired, live);
    if (!a.isOk()) return a.status();
  }
  return deleteOwned(ctx, store, r, [&](const json& obj) {
    return desired != nullptr &&
           obj.value("/metadata/name"_json_pointer, std::string()) == wantName &&
           obj.value("/metadata/namespace"_json_pointer, std::string()) == wantNs;
  });
}

}  // namespace

StepResult ensureRbac(ReconcileContext& ctx) {
  const BuildOptions bo = buildOptionsFor(ctx);
  json role = buildRole(ctx.spec, bo);
  json binding = buildRoleBinding(ctx.spec, bo);
  stampOwnership(&role, ctx.cr, false);
  stampOwnership(&binding, ctx.cr, false);

  std::optional<json> clusterRole, clusterBinding;
  if (ctx.spec.rbacClusterWide) {
    clusterRole = buildClusterRole(ctx.spec, bo);
    clusterBinding = buildClusterRoleBinding(ctx.spec, bo);
    stampOwnership(&*clusterRole, ctx.cr, true);
    stampOwnership(&*clusterBinding, ctx.cr, true);
  }

  // Roles before bindings when adding; bindings before roles when removing.
  for (Status s : {applyAndPrune(ctx, ctx.caches.roles, res::kRoles, &role),
                   applyAndPrune(ctx, ctx.caches.roleBindings, res::kRoleBindings, &binding),
                   applyAndPrune(ctx, ctx.caches.clusterRoles, res::kClusterRoles,
                                 clusterRole ? &*clusterRole : nullptr),
                   applyAndPrune(ctx, ctx.caches.clusterRoleBindings, res::kClusterRoleBindings,
                                 clusterBinding ? &*clusterBinding : nullptr)}) {
    if (!s.isOk()) return StepResult::fail(s);
  }
  return StepResult::next();
}

}  // namespace clusteragent
