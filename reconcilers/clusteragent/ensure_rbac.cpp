#include "reconcilers/clusteragent/ensure_rbac.h"

#include <functional>
#include <optional>

#include "reconcilers/clusteragent/build_cluster_role.h"
#include "reconcilers/clusteragent/build_role.h"
#include "reconcilers/clusteragent/finalize_deletion.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;
using ctrl::kube::Status;

// Applies desired (when wanted), then deletes the other objects of r
// labelled as this ClusterAgent's.
Status applyAndPrune(ReconcileContext& ctx, const ctrl::cache::Store* store,
                     const ctrl::kube::Resource& r, const std::optional<DesiredObject>& desired) {
  if (desired) {
    auto a = ctx.apply(*desired, ctx.cachedFor(store, *desired));
    if (!a.isOk()) return a.status();
  }
  const std::string keepKey =
      desired ? ctrl::cache::objectKey(desired->ns(), desired->name()) : std::string();
  return deleteOwned(ctx, store, r,
                     [&](const std::string& key) { return desired.has_value() && key == keepKey; });
}

}  // namespace

StepResult ensureRbac(ReconcileContext& ctx) {
  const std::optional<DesiredObject> clusterRole = buildClusterRole(ctx.spec),
                                     clusterBinding = buildClusterRoleBinding(ctx.spec);
  // One after another, stopping at the first failure: a binding must never
  // be applied when its Role was not (it could bind a Role someone else owns).
  const std::function<Status()> steps[] = {
      [&] { return applyAndPrune(ctx, ctx.caches.roles, res::kRoles, buildRole(ctx.spec)); },
      [&] {
        return applyAndPrune(ctx, ctx.caches.roleBindings, res::kRoleBindings,
                             buildRoleBinding(ctx.spec));
      },
      [&] { return applyAndPrune(ctx, ctx.caches.clusterRoles, res::kClusterRoles, clusterRole); },
      [&] {
        return applyAndPrune(ctx, ctx.caches.clusterRoleBindings, res::kClusterRoleBindings,
                             clusterBinding);
      },
  };
  for (const auto& step : steps) {
    if (Status s = step(); !s.isOk()) return StepResult::fail(s);
  }
  return StepResult::next();
}

}  // namespace clusteragent
