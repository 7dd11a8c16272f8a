#include "reconcilers/clusteragent/ensure_metrics_service.h"

#include "reconcilers/clusteragent/builders.h"
#include "reconcilers/clusteragent/ensure_service_account.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

StepResult ensureMetricsService(ReconcileContext& ctx) {
  json desired = buildMetricsService(ctx.spec, buildOptionsFor(ctx));
  stampOwnership(&desired, ctx.cr, false);
  const json* live =
      ctx.cached(ctx.caches.services, ctx.ns, desired["metadata"].value("name", ""));
  auto r = ctx.apply(ctrl::kube::resources::kServices, desired, live);
  return r.isOk() ? StepResult::next() : StepResult::fail(r.status());
}

}  // namespace clusteragent
