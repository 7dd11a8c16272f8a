#include "reconcilers/clusteragent/ensure_deployment.h"

#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

namespace {

// Leaves the Deployment as it is; a missing one is described as waiting.
StepResult leaveAsIs(ReconcileContext& ctx, const json* live, const std::string& name,
                     const char* reasonWhenMissing, const std::string& waitingFor) {
  ctx.status.deployment = assessDeployment(live, name, ctx.spec.replicas);
  if (live == nullptr) {
    ctx.status.deployment.reason = reasonWhenMissing;
    ctx.status.deployment.message = "Deployment " + name + " is not created until " + waitingFor;
  }
  return StepResult::next();
}

}  // namespace

StepResult ensureDeployment(ReconcileContext& ctx) {
  const std::string name = deploymentName(ctx.spec.meta);
  const json* live = ctx.cached(ctx.caches.deployments, ctx.ns, name);
  const int64_t replicas = ctx.spec.replicas;
  // Applied last and only after every other child was: an agent pod never
  // starts without its ServiceAccount or RBAC (it would only fail on
  // Forbidden), and a Deployment that exists means its siblings do. The
  // failed step's error makes the reconcile retry.
  if (ctx.siblingFailed) {
    return leaveAsIs(ctx, live, name, "NotCreated", "the agent's other objects are");
  }
  if (!ctx.credentials.assessment.ready) {
    return leaveAsIs(ctx, live, name, "WaitingForCredentials", "the credentials are ready");
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
