#pragma once
// AgentNotConnected says the agent runs and its /healthz fails; the agent's
// own log says why. When that is a cause upstream names (the principal refuses
// its version or credentials, the principal's certificate is not trusted),
// Connected carries it instead (agent_log_diagnosis.h). Reads at most a
// bounded tail of one container's log, and only for an agent that is running
// but not connected; a log that cannot be read (no pods/log permission, the
// pod just went) leaves AgentNotConnected as it was. While the container is
// young and its log says nothing yet, asks for another look (ctx.requeueAfter).

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

// The agent container's name in the rendered Deployment (build_deployment.cpp).
inline constexpr const char* kAgentContainer = "agent";

void explainNotConnected(ReconcileContext& ctx);

}  // namespace clusteragent
