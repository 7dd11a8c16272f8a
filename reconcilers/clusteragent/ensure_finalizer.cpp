#include "reconcilers/clusteragent/ensure_finalizer.h"

#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

bool hasFinalizer(const json& obj) {
  for (const auto& f : obj.value("/metadata/finalizers"_json_pointer, json::array())) {
    if (f == kFinalizer) return true;
  }
  return false;
}

ctrl::kube::Status writeFinalizers(ReconcileContext& ctx, const json& finalizers) {
  json patch = {{"metadata",
                 {{"resourceVersion", ctx.cr["metadata"].value("resourceVersion", "")},
                  {"finalizers", finalizers}}}};
  auto res =
      ctx.client.patch(kClusterAgents, ctx.ns, ctx.name, ctrl::kube::PatchType::kMerge, patch);
  if (!res.isOk()) return res.status();
  // This reconcile goes on from the written object: the status it writes is
  // conditional on this version, not on the one the cache had.
  ctx.cr["metadata"]["finalizers"] = finalizers;
  ctx.cr["metadata"]["resourceVersion"] =
      res.value().value("/metadata/resourceVersion"_json_pointer, std::string());
  return ctrl::kube::Status::ok();
}

StepResult ensureFinalizer(ReconcileContext& ctx) {
  if (hasFinalizer(ctx.cr)) return StepResult::next();
  json finalizers = ctx.cr.value("/metadata/finalizers"_json_pointer, json::array());
  finalizers.push_back(kFinalizer);
  auto s = writeFinalizers(ctx, finalizers);
  if (!s.isOk()) return {true, s};
  ctrl::logging::info("added finalizer", {{"clusteragent", ctx.key}, {"finalizer", kFinalizer}});
  return StepResult::next();
}

}  // namespace clusteragent
