#pragma once
// The last step: evaluate the gathered inputs, merge them into the live
// status, write /status once and only when it differs, then emit one Event
// per condition flip (after the write, so an Event never announces a status
// that failed to land).

#include <chrono>

#include "controller/manager/event_recorder.h"
#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

ctrl::kube::Status updateStatus(ReconcileContext& ctx, ctrl::manager::EventRecorder* recorder,
                                std::chrono::system_clock::time_point now);

}  // namespace clusteragent
