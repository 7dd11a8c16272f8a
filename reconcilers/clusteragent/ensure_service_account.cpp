#include "reconcilers/clusteragent/ensure_service_account.h"

#include "reconcilers/clusteragent/builders.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

BuildOptions buildOptionsFor(const ReconcileContext& ctx) {
  BuildOptions bo;
  bo.defaultImage = ctx.options.agentImage;
  bo.credentialsHash = ctx.credentials.assessment.hash;
  return bo;
}

StepResult ensureServiceAccount(ReconcileContext& ctx) {
  json desired = buildServiceAccount(ctx.spec, buildOptionsFor(ctx));
  stampOwnership(&desired, ctx.cr, false);
  const json* live = ctx.cached(ctx.caches.serviceAccounts, ctx.ns,
                                desired["metadata"].value("name", ""));
  auto r = ctx.apply(ctrl::kube::resources::kServiceAccounts, desired, live);
  return r.isOk() ? StepResult::next() : StepResult::fail(r.status());
}

}  // namespace clusteragent
