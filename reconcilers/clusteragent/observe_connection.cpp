#include "reconcilers/clusteragent/observe_connection.h"

#include "reconcilers/clusteragent/agent_connection.h"
#include "reconcilers/clusteragent/agent_pods.h"
#include "reconcilers/clusteragent/connection_observer.h"
#include "reconcilers/clusteragent/explain_not_connected.h"

namespace clusteragent {

StepResult observeConnection(ReconcileContext& ctx) {
  if (ctx.caches.pods != nullptr) {
    ctx.status.connection =
        assessAgentConnection(agentPodsOf(*ctx.caches.pods, ctx.key), ctx.spec.replicas);
    explainNotConnected(ctx);
  }
  ConnectionObserver* observer = ctx.options.connection.get();
  if (observer == nullptr) return StepResult::next();

  auto server = observer->observeServer(ctx.key, ctx.spec, ctx.caches.secrets, ctx.client);
  StepResult result = StepResult::next();
  if (server.isOk()) {
    ctx.status.server = *server;
    if (!server->observation && server->notProbedReason.empty()) {
      // No probe of this target yet (this operator just started, or the
      // target's CA or proxy changed and its probe is pending): the result in
      // status stands in until the probe lands (observationFromStatus), so
      // neither the wait nor an unchanged answer writes status.
      auto before = observationFromStatus(ctx.cr.value("status", json::object()),
                                          ctx.spec.meta.generation, server->host, server->port);
      if (before) {
        ctx.status.server =
            gatherServerReachability(server->host, server->port, std::move(before), ctx.now);
      }
    }
  } else {
    result = StepResult::fail(server.status());
  }

  ConnectionSample sample;
  sample.ns = ctx.ns;
  sample.name = ctx.name;
  sample.cluster = ctx.spec.clusterName;
  if (ctx.status.connection) sample.connected = ctx.status.connection->connected;
  if (ctx.status.server && ctx.status.server->observation) {
    const auto& r = ctx.status.server->observation->result;
    if (r.probed()) sample.serverReachable = r.reachable();
    sample.certificateNotAfter = r.certificateNotAfter;
  }
  observer->metrics().record(sample);
  return result;
}

void forgetConnection(const ReconcilerOptions& options, const std::string& ns,
                      const std::string& name) {
  if (options.connection) options.connection->forget(ns, name);
}

}  // namespace clusteragent
