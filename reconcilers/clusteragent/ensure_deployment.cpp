#include "reconcilers/clusteragent/ensure_deployment.h"

#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

StepResult ensureDeployment(ReconcileContext& ctx) {
  const std::string name = deploymentName(ctx.spec.meta);
  const json* live = ctx.cached(ctx.caches.deployments, ctx.ns, name);
  const int64_t replicas = ctx.spec.replicas;
  if (ctx.siblingFailed) {
    // Applied last and only after every other child was: an agent pod never
    // starts without its ServiceAccount or RBAC (it would only fail on
    // Forbidden), and a Deployment that exists means its siblings do. The
    // failed step's error makes the reconcile retry.
    ctx.status.deployment = assessDeployment(live, name, replicas);
    if (live == nullptr) {
      ctx.status.deployment.message =
          "Deployment " + name + " is not created until the agent's other objects are";
    }
    return StepResult::next();
  }
  if (!ctx.credentials.assessment.ready) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
    if (live == nullptr) {
      ctx.status.deployment.reason = "WaitingForCredentials";
      ctx.status.deployment.message =
          "Deployment " + name + " is not created until the credentials are ready";
    }
    return StepResult::next();
  }
  DeploymentInputs inputs;
  inputs.credentialsHash = ctx.credentials.assessment.hash;
  auto r = ctx.apply(buildDeployment(ctx.spec, inputs), live);
  if (!r.isOk()) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
    return StepResult::fail(r.status());
  }
  if (*r == ctrl::apply::ApplyOutcome::kUnchanged) {
    ctx.status.deployment = assessDeployment(live, name, replicas);
    return StepResult::next();
  }
  // Just written: the cached status describes the previous template. The
  // Deployment's watch event brings this ClusterAgent back to re-assess.
  ctx.status.deployment = assessDeployment(nullptr, name, replicas);
  ctx.status.deployment.exists = true;
  ctx.status.deployment.reason = "Progressing";
  ctx.status.deployment.message =
      "Deployment " + name + " was " + ctrl::apply::outcomeName(*r) + "; waiting for the rollout";
  if (live != nullptr) ctx.status.deployment.image = assessDeployment(live, name, replicas).image;
  return StepResult::next();
}

}  // namespace clusteragent
