#pragma once
// The last step: evaluate the gathered inputs, merge them into the live
// status, write /status once and only when it differs, then emit one Event
// per condition flip (after the write, so an Event never announces a status
// that failed to land). With a memo, a cache that has not yet seen our last
// write is compared through it (see status_write_memo.h).

#include <chrono>

#include "controller/manager/event_recorder.h"
#include "reconcilers/clusteragent/reconcile_context.h"
#include "reconcilers/clusteragent/status_write_memo.h"
#include "reconcilers/clusteragent/status_write_pacer.h"

namespace clusteragent {

ctrl::kube::Status updateStatus(ReconcileContext& ctx, ctrl::manager::EventRecorder* recorder,
                                StatusWriteMemo* memo, std::chrono::system_clock::time_point now,
                                StatusWritePacer* pacer = nullptr);

}  // namespace clusteragent
