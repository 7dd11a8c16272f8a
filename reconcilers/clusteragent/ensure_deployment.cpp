#include "reconcilers/clusteragent/ensure_deployment.h"

#include "reconcilers/clusteragent/builders.h"
#include "reconcilers/clusteragent/ensure_service_account.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

StepResult ensureDeployment(ReconcileContext& ctx) {
  const std::string name = ctx.name + "-agent";
  const json* live = ctx.cached(ctx.caches.deployments, ctx.ns, name);
  const int64_t replicas = ctx.spec.replicas;
  if (!ctx.credentials.assessment.ready) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
    if (live == nullptr) {
      ctx.status.deployment.reason = "WaitingForCredentials";
      ctx.status.deployment.message =
          "Deployment " + name + " is not created until the credentials are ready";
    }
    return StepResult::next();
  }
  json desired = buildDeployment(ctx.spec, buildOptionsFor(ctx));
  stampOwnership(&desired, ctx.cr, false);
  auto r = ctx.apply(ctrl::kube::resources::kDeployments, desired, live);
  if (!r.isOk()) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
    return StepResult::fail(r.status());
  }
  // Just written: the cache still shows the old object, whose status says
  // nothing about the new template. Its watch event brings us back.
  if (*r == ctrl::apply::ApplyOutcome::kUnchanged) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
  } else {
    ctx.status.deployment = assessDeployment(nullptr, name, replicas);
    ctx.status.deployment.exists = *r == ctrl::apply::ApplyOutcome::kUpdated;
    ctx.status.deployment.reason = "Progressing";
    ctx.status.deployment.message = "Deployment " + name + " was " +
                                    ctrl::apply::outcomeName(*r) + "; waiting for the rollout";
    if (live != nullptr) {
      ctx.status.deployment.image = assessDeployment(live, name, replicas).image;
    }
  }
  return StepResult::next();
}

}  // namespace clusteragent
