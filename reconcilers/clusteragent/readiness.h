#pragma once
// Ready and phase, derived from everything else status says (pure).
//
// Ready = SpecValid ∧ CredentialsReady ∧ DeploymentAvailable ∧ Connected
// (ServerReachable is the operator's own view of the network and does not
// gate Ready: the agent may reach the principal through a path the operator
// does not share; it does sharpen the message when the agent is down).
//
// phase, first match wins (docs/decisions.md):
//   Invalid       SpecValid=False
//   Degraded      CredentialsReady=False, or the agent pod cannot run:
//                 Connected=False with ImagePullBackOff | CrashLoopBackOff |
//                 Unschedulable, or it runs and its log says why it cannot
//                 connect: VersionMismatch | CertificateUntrusted |
//                 CertificateExpired | AuthenticationFailed — a person has to act
//   Disconnected  Connected=False with Paused (replicas 0) or
//                 AgentNotConnected (running, /healthz failing)
//   Pending       the Deployment does not exist yet
//   Progressing   the Deployment is rolling out or its pods are starting
//                 (NoAgentPods, ContainerCreating), or Connected is not
//                 assessed yet
//   Connected     Ready=True

#include <string>

#include "reconcilers/clusteragent/status_evaluation.h"

namespace clusteragent {

struct Readiness {
  bool ready = false;
  std::string reason;
  std::string message;
  std::string phase;
};

// For a valid spec (the Invalid phase is decided before).
Readiness deriveReadiness(const StatusInputs& in);

// The agent's pod cannot run until someone fixes something.
bool isAgentPodFailure(const std::string& connectionReason);
// The agent runs, and the connection fails for a reason retrying cannot
// mend (agent_log_diagnosis.h): a person has to act too.
bool isRefusedByPrincipal(const std::string& connectionReason);

}  // namespace clusteragent
