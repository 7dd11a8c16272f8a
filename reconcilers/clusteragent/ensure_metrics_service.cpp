#include "reconcilers/clusteragent/ensure_metrics_service.h"

#include "reconcilers/clusteragent/build_metrics_service.h"

namespace clusteragent {

StepResult ensureMetricsService(ReconcileContext& ctx) {
  DesiredObject desired = buildMetricsService(ctx.spec);
  auto r = ctx.apply(desired, ctx.cachedFor(ctx.caches.services, desired));
  return r.isOk() ? StepResult::next() : StepResult::fail(r.status());
}

}  // namespace clusteragent
