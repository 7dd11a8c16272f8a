#include "reconcilers/clusteragent/readiness.h"

namespace clusteragent {

bool isAgentPodFailure(const std::string& reason) {
  return reason == "ImagePullBackOff" || reason == "CrashLoopBackOff" || reason == "Unschedulable";
}

bool isRefusedByPrincipal(const std::string& reason) {
  return reason == "VersionMismatch" || reason == "CertificateUntrusted" ||
         reason == "CertificateExpired" || reason == "AuthenticationFailed";
}

namespace {

// "...; the operator cannot reach the server either (DNSError: ...)".
std::string withServerHint(std::string message, const StatusInputs& in) {
  if (!in.server || !in.server->observation) return message;
  const auto& r = in.server->observation->result;
  if (r.reachable() || !r.probed()) return message;
  return message + "; the operator cannot reach the server either (" +
         prober::reasonName(r.reason) + ": " + r.message + ")";
}

}  // namespace

Readiness deriveReadiness(const StatusInputs& in) {
  Readiness out;
  const auto& conn = in.connection;
  if (!in.childConflict.empty()) {
    out = {false, "ChildConflict", in.childConflict, "Degraded"};
  } else if (!in.credentials.ready) {
    out = {false, "CredentialsNotReady", in.credentials.message, "Degraded"};
  } else if (conn && !conn->connected &&
             (isAgentPodFailure(conn->reason) || isRefusedByPrincipal(conn->reason))) {
    out = {false, conn->reason, conn->message, "Degraded"};
  } else if (conn && !conn->connected &&
             (conn->reason == "Paused" || conn->reason == "AgentNotConnected")) {
    out = {false, conn->reason, withServerHint(conn->message, in), "Disconnected"};
  } else if (!in.deployment.available) {
    std::string phase = in.deployment.exists ? "Progressing" : "Pending";
    if (in.deployment.reason == "Paused") phase = "Disconnected";
    out = {false, "DeploymentNotAvailable", in.deployment.message, phase};
  } else if (conn && !conn->connected) {
    out = {false, conn->reason, conn->message, "Progressing"};
  } else if (conn) {
    out = {true, "AgentReady", "the agent is deployed and connected", "Connected"};
  } else {
    out = {true, "AgentReady", "the agent is deployed and available", "Progressing"};
  }
  return out;
}

}  // namespace clusteragent
