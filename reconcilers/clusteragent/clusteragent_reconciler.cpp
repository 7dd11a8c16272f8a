#include "reconcilers/clusteragent/clusteragent_reconciler.h"

#include <algorithm>

#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/ensure_credentials.h"
#include "reconcilers/clusteragent/ensure_deployment.h"
#include "reconcilers/clusteragent/ensure_finalizer.h"
#include "reconcilers/clusteragent/ensure_metrics_service.h"
#include "reconcilers/clusteragent/ensure_rbac.h"
#include "reconcilers/clusteragent/ensure_service_account.h"
#include "reconcilers/clusteragent/finalize_deletion.h"
#include "reconcilers/clusteragent/observe_connection.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/tenant_policy.h"
#include "reconcilers/clusteragent/update_status.h"

namespace clusteragent {

using ctrl::queue::Result;

namespace {
constexpr std::chrono::milliseconds kRetryAfterStatusConflict{500};
}  // namespace

ClusterAgentReconciler::ClusterAgentReconciler(ctrl::kube::KubeClientPtr client, Caches caches,
                                               ctrl::manager::EventRecorder* recorder,
                                               ReconcilerOptions options, ctrl::ClockPtr clock)
    : client_(std::move(client)),
      caches_(caches),
      recorder_(recorder),
      options_(std::move(options)),
      clock_(clock ? std::move(clock) : std::make_shared<ctrl::RealClock>()),
      statusPacer_(options_.statusDetailInterval) {}

Result ClusterAgentReconciler::reconcileInvalid(ReconcileContext& ctx, const std::string& message,
                                                const std::string& reason) {
  ctx.status.specValid = false;
  ctx.status.specMessage = message;
  ctx.status.specReason = reason;
  forgetConnection(options_, ctx.ns, ctx.name);
  ctrl::logging::warn("invalid spec", {{"clusteragent", ctx.key}, {"error", message}});
  // Not paced: a terminal result has no requeue to write a deferred change.
  auto s = updateStatus(ctx, recorder_, &statusWrites_, clock_->wallNow());
  if (!s.isOk()) return Result::error("status: " + s.toString());
  return Result::terminal("invalid spec: " + message);
}

// A ClusterAgent that is gone: its children in other namespaces and
// cluster-scoped ones have no owner reference for the garbage collector. The
// finalizer deletes them, unless someone removed it; then this does, when a
// child's event (or the periodic resync of the child caches) names a
// ClusterAgent that no longer exists.
Result ClusterAgentReconciler::sweepOrphans(const ctrl::queue::Request& req) {
  const auto& watched = options_.tenantPolicy.watchedNamespaces;
  // A scoped operator does not see other namespaces' ClusterAgents: their
  // children are another operator's business.
  if (!watched.empty() && std::find(watched.begin(), watched.end(), req.ns) == watched.end()) {
    return Result::done();
  }
  ReconcileContext ctx(json::object(), *client_, caches_, options_);
  ctx.ns = req.ns;
  ctx.name = req.name;
  ctx.key = req.key();
  auto s = deleteUnreachableChildren(ctx);
  if (!s.isOk()) return Result::error("orphaned children: " + s.toString());
  return Result::done();
}

Result ClusterAgentReconciler::reconcile(const ctrl::queue::Request& req) {
  auto cached = caches_.clusterAgents ? caches_.clusterAgents->get(req.key()) : nullptr;
  if (!cached) {  // deleted; children go with it
    forgetConnection(options_, req.ns, req.name);
    statusWrites_.forget(req.key());
    statusPacer_.forget(req.key());
    return sweepOrphans(req);
  }

  json cr = *cached;
  cr["apiVersion"] = kClusterAgents.apiVersion();
  cr["kind"] = kClusterAgents.kind;
  ReconcileContext ctx(std::move(cr), *client_, caches_, options_);
  ctx.ns = req.ns;
  ctx.name = req.name;
  ctx.key = req.key();
  ctx.now = clock_->wallNow();
  ctx.status.generation = ctx.cr["metadata"].value("generation", int64_t{0});

  if (ctx.cr["metadata"].contains("deletionTimestamp")) {
    forgetConnection(options_, ctx.ns, ctx.name);
    auto s = finalizeDeletion(ctx);
    if (!s.isOk()) return Result::error("finalize: " + s.toString());
    return Result::done();
  }

  const json& rawSpec = ctx.cr.value("spec", json::object());
  ctx.status.inlineToken = rawSpec.contains("authToken") && rawSpec["authToken"].is_string() &&
                           !rawSpec["authToken"].get<std::string>().empty();
  ctx.status.insecureSkipVerify =
      rawSpec.value("/tls/insecureSkipVerify"_json_pointer, json(false)) == json(true);

  ParseOptions po;
  po.defaultImage = options_.agentImage;
  auto parsed = parseClusterAgent(ctx.cr, po);
  if (!parsed.ok()) return reconcileInvalid(ctx, parsed.errorSummary(), parsed.errorReason());
  ctx.spec = std::move(parsed.spec);

  // Before anything is applied (the finalizer included): a refused
  // ClusterAgent gets nothing, and children it already has are not widened.
  const json* target = ctx.spec.argocdNamespace == ctx.ns
                           ? nullptr
                           : ctx.cached(caches_.namespaces, "", ctx.spec.argocdNamespace);
  auto violations = checkTenantPolicy(ctx.spec, options_.tenantPolicy, target);
  if (!violations.empty()) {
    // Other refusals leave a running agent as it was (a bad edit loses
    // nothing); a withdrawn opt-in takes back what it granted, at once.
    const bool namespaceRefused = std::any_of(
        violations.begin(), violations.end(),
        [](const PolicyViolation& v) { return v.reason == kReasonArgocdNamespaceNotAllowed; });
    if (namespaceRefused) {
      if (auto s = deleteCrossNamespaceRbac(ctx); !s.isOk()) {
        return Result::error("revoking the argocdNamespace grant: " + s.toString());
      }
    }
    return reconcileInvalid(ctx, violationSummary(violations), violationReason(violations));
  }

  StepResult fin = ensureFinalizer(ctx);
  if (!fin.error.isOk()) return Result::error("finalizer: " + fin.error.toString());

  std::string errors;
  using Step = StepResult (*)(ReconcileContext&);
  const std::pair<const char*, Step> steps[] = {
      {"serviceaccount", ensureServiceAccount}, {"rbac", ensureRbac},
      {"credentials", ensureCredentials},       {"metrics-service", ensureMetricsService},
      {"deployment", ensureDeployment},         {"connection", observeConnection},
  };
  for (const auto& [stepName, step] : steps) {
    StepResult r = step(ctx);
    if (ctrl::apply::isNotOwned(r.error)) {
      // Never applied to, and nothing after it either: the Deployment would
      // run with a ServiceAccount, Role or Secret someone else controls.
      ctx.status.childConflict = r.error.message() +
                                 ": the operator does not take over objects it did not create; "
                                 "delete or rename it";
      ctrl::logging::warn(
          "child name taken",
          {{"clusteragent", ctx.key}, {"step", stepName}, {"error", r.error.message()}});
      if (!errors.empty()) errors += "; ";
      errors += std::string(stepName) + ": " + r.error.toString();
      break;
    }
    if (!r.error.isOk()) {
      ctrl::logging::error(
          "reconcile step failed",
          {{"clusteragent", ctx.key}, {"step", stepName}, {"error", r.error.toString()}});
      if (!errors.empty()) errors += "; ";
      errors += std::string(stepName) + ": " + r.error.toString();
      ctx.siblingFailed = true;
    }
    if (r.stop) break;
  }
  auto s = updateStatus(ctx, recorder_, &statusWrites_, clock_->wallNow(), &statusPacer_);
  if (ctrl::kube::isConflict(s) && errors.empty()) {
    // Someone wrote the ClusterAgent after our cache read it: not a failure,
    // the watch event is on its way; look again from the newer version.
    ctrl::logging::info("status not written: the ClusterAgent changed meanwhile",
                        {{"clusteragent", ctx.key}});
    return Result::requeueAfter(kRetryAfterStatusConflict);
  }
  if (!s.isOk()) {
    if (!errors.empty()) errors += "; ";
    errors += "status: " + s.toString();
  }
  if (!errors.empty()) return Result::error(errors);
  if (ctx.requeueAfter) return Result::requeueAfter(*ctx.requeueAfter);
  return Result::done();
}

}  // namespace clusteragent
