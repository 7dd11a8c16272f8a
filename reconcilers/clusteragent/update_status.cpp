#include "reconcilers/clusteragent/update_status.h"

#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/condition_events.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {
namespace {

// Sets to null, in the merge patch `patch`, every key of `had` that `patch`
// does not set, recursing into objects both have.
void nullRemovedKeys(const json& had, json* patch) {
  if (!had.is_object() || !patch->is_object()) return;
  for (auto it = had.begin(); it != had.end(); ++it) {
    auto mine = patch->find(it.key());
    if (mine == patch->end()) {
      (*patch)[it.key()] = nullptr;
    } else if (it->is_object() && mine->is_object()) {
      nullRemovedKeys(*it, &*mine);
    }
  }
}

// No condition flipped, appeared or went, and the phase and observedGeneration
// stand: what changed is detail (a reason, a message, a replica count).
bool onlyReasonsOrMessagesChanged(const json& current, const json& next,
                                  const std::vector<ConditionFlip>& flips) {
  if (!flips.empty() || !current.is_object()) return false;
  for (const char* k : {"phase", "observedGeneration"}) {
    if (current.value(k, json()) != next.value(k, json())) return false;
  }
  return current.value("conditions", json::array()).size() ==
         next.value("conditions", json::array()).size();
}

}  // namespace

ctrl::kube::Status updateStatus(ReconcileContext& ctx, ctrl::manager::EventRecorder* recorder,
                                StatusWriteMemo* memo, std::chrono::system_clock::time_point now,
                                StatusWritePacer* pacer) {
  const json cached = ctx.cr.value("status", json::object());
  std::string basisVersion = ctx.cr.value("/metadata/resourceVersion"_json_pointer, std::string());
  const json current = memo ? memo->basis(ctx.key, ctx.cr, &basisVersion) : cached;
  std::vector<ConditionFlip> flips;
  json next = nextStatus(current, evaluateStatus(ctx.status), ctx.status.generation, now, &flips);
  if (next == current) return ctrl::kube::Status::ok();
  if (pacer != nullptr && onlyReasonsOrMessagesChanged(current, next, flips)) {
    if (auto wait = pacer->deferMinor(ctx.key, now)) {
      ctx.requeueAfter = ctx.requeueAfter ? std::min(*ctx.requeueAfter, *wait) : *wait;
      return ctrl::kube::Status::ok();
    }
  }

  // A merge patch of the whole status: keys we no longer set are nulled so
  // they are removed, at every depth (status.server loses lastProbeTime or
  // certificateNotAfter when a probe no longer gives one); conditions (an
  // array) are replaced whole.
  json patch = next;
  for (const json* had : {&current, &cached}) nullRemovedKeys(*had, &patch);
  ctrl::kube::PatchOptions po;
  po.subresource = "status";
  po.fieldManager = ctrl::apply::kFieldManager;
  // The version this status was computed from is a precondition: a replica
  // reconciling from a stale cache (an old leader, a lagging informer) gets
  // Conflict instead of regressing observedGeneration or conditions.
  json body{{"status", patch}};
  if (!basisVersion.empty()) body["metadata"] = {{"resourceVersion", basisVersion}};
  auto res =
      ctx.client.patch(kClusterAgents, ctx.ns, ctx.name, ctrl::kube::PatchType::kMerge, body, po);
  if (!res.isOk()) return res.status();
  if (pacer != nullptr) pacer->wrote(ctx.key, now);
  if (memo) {
    memo->record(ctx.key, res.value()["metadata"].value("resourceVersion", ""), next);
  }
  ctrl::logging::info(
      "status updated",
      {{"clusteragent", ctx.key}, {"phase", next.value("phase", "")}, {"flips", flips.size()}});
  if (recorder != nullptr) {
    for (const auto& f : flips) {
      if (auto e = eventForFlip(f)) recorder->event(ctx.cr, e->type, e->reason, e->message);
    }
  }
  return ctrl::kube::Status::ok();
}

}  // namespace clusteragent
