#include "reconcilers/clusteragent/explain_not_connected.h"

#include "controller/clock/rfc3339.h"
#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/agent_log_diagnosis.h"

namespace clusteragent {
namespace {

// Enough for the agent's retry loop to have logged its failure several
// times over; bounded so that a chatty agent costs little to read.
constexpr int64_t kTailLines = 200;
constexpr int64_t kLimitBytes = 64 * 1024;
// A fresh agent logs its refusal a few seconds after it starts, and nothing
// (no pod change) announces that line: look again a few times while the
// container is young. Later, pod events, probe changes and the resync bring
// the next look; an outage of an old, settled fleet adds no reads.
constexpr auto kYoung = std::chrono::minutes(3);
constexpr auto kLookAgain = std::chrono::seconds(20);

bool young(const AgentConnection& conn, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point started;
  if (!ctrl::parseRfc3339(conn.runningSince, &started)) return false;
  return now - started < kYoung;
}

}  // namespace

void explainNotConnected(ReconcileContext& ctx) {
  if (!ctx.status.connection) return;
  AgentConnection& conn = *ctx.status.connection;
  if (conn.reason != "AgentNotConnected" || conn.pod.empty()) return;
  ctrl::kube::LogOptions opts;
  opts.container = kAgentContainer;
  opts.tailLines = kTailLines;
  opts.limitBytes = kLimitBytes;
  auto log = ctx.client.podLogs(ctx.spec.argocdNamespace, conn.pod, opts);
  if (!log.isOk()) {
    ctrl::logging::debug("cannot read the agent's log to explain why it is not connected",
                         {{"clusteragent", ctx.key},
                          {"pod", ctx.spec.argocdNamespace + "/" + conn.pod},
                          {"error", log.status().toString()}});
    return;
  }
  auto diagnosis = diagnoseAgentLog(*log, conn.pod, ctx.spec.image);
  if (!diagnosis) {
    if (young(conn, ctx.now)) ctx.requeueAfter = kLookAgain;
    return;
  }
  conn.reason = diagnosis->reason;
  conn.message = diagnosis->message;
}

}  // namespace clusteragent
