#pragma once
// Reconciles one ClusterAgent: a short, ordered list of ensure steps (each in
// its own file), then one status write. Level-based: reads everything from
// the informer caches, converges, and never touches the queue.
//
//   deleted?         → finalizeDeletion (cluster-scoped / cross-namespace RBAC, finalizer)
//   spec invalid?    → SpecValid=False (InvalidSpec, naming the field), nothing applied,
//                      terminal result: the object changing is what retries it
//   tenant policy?   → the same, with the refused rule as reason (tenant_policy.h); the
//                      target Namespace's labels changing also retries it
//   ensureFinalizer → ensureServiceAccount → ensureRbac → ensureCredentials
//                   → ensureDeployment → ensureMetricsService → updateStatus
//
// Step errors are aggregated: one failing child does not stop the others nor
// the status write, and the reconcile returns a retryable error.

#include <memory>

#include "controller/clock/clock.h"
#include "controller/kube/kube_client.h"
#include "controller/manager/event_recorder.h"
#include "controller/queue/reconciler.h"
#include "reconcilers/clusteragent/caches.h"
#include "reconcilers/clusteragent/reconcile_context.h"
#include "reconcilers/clusteragent/status_write_memo.h"
#include "reconcilers/clusteragent/status_write_pacer.h"

namespace clusteragent {

class ClusterAgentReconciler : public ctrl::queue::Reconciler {
 public:
  ClusterAgentReconciler(ctrl::kube::KubeClientPtr client, Caches caches,
                         ctrl::manager::EventRecorder* recorder, ReconcilerOptions options = {},
                         ctrl::ClockPtr clock = nullptr);

  ctrl::queue::Result reconcile(const ctrl::queue::Request& req) override;

 private:
  ctrl::queue::Result reconcileInvalid(ReconcileContext& ctx, const std::string& message,
                                       const std::string& reason = "");
  ctrl::queue::Result sweepOrphans(const ctrl::queue::Request& req);

  ctrl::kube::KubeClientPtr client_;
  Caches caches_;
  ctrl::manager::EventRecorder* recorder_;
  ReconcilerOptions options_;
  ctrl::ClockPtr clock_;
  StatusWriteMemo statusWrites_;
  StatusWritePacer statusPacer_;
};

}  // namespace clusteragent
