#include "reconcilers/clusteragent/reconcile_context.h"

#include <algorithm>

#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

ctrl::kube::StatusOr<ctrl::apply::ApplyOutcome> ReconcileContext::apply(
    const ctrl::kube::Resource& r, const json& desired, const json* live,
    const ctrl::apply::ApplyOptions& o) {
  ctrl::apply::ApplyOptions opts = o;
  // Only what this ClusterAgent created (its labels) is ever applied to.
  if (!opts.mayTakeOver) {
    opts.mayTakeOver = [this](const json& obj) { return ownedBy(obj, ns, name); };
  }
  if (options.childCachesHoldAll) {
    // Namespaced children outside the watched set (an argocdNamespace the
    // operator does not watch) are not in any cache: read them first.
    const auto& watched = options.tenantPolicy.watchedNamespaces;
    const std::string objNs = desired.value("/metadata/namespace"_json_pointer, std::string());
    opts.cacheHoldsAll = !r.namespaced || watched.empty() ||
                         std::find(watched.begin(), watched.end(), objNs) != watched.end();
  }
  auto res = ctrl::apply::applyIfChanged(client, r, desired, live, opts);
  if (!res.isOk()) return res;
  if (*res != ctrl::apply::ApplyOutcome::kUnchanged) {
    ctrl::logging::info("applied child", {{"clusteragent", key},
                                          {"kind", r.kind},
                                          {"name", desired["metadata"].value("name", "")},
                                          {"namespace", desired["metadata"].value("namespace", "")},
                                          {"outcome", ctrl::apply::outcomeName(*res)}});
  }
  if (options.onApply) options.onApply(r.kind, *res);
  return res;
}

const json* ReconcileContext::cached(const ctrl::cache::Store* store, const std::string& objNs,
                                     const std::string& objName) {
  if (store == nullptr) return nullptr;
  auto obj = store->get(objNs.empty() ? objName : ctrl::cache::objectKey(objNs, objName));
  if (!obj) return nullptr;
  pinned_.push_back(obj);
  return obj.get();
}

}  // namespace clusteragent
