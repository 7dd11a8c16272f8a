#include "reconcilers/clusteragent/condition_events.h"

#include <set>

#include "reconcilers/clusteragent/condition_types.h"

namespace clusteragent {
namespace {

// Reasons a healthy agent passes through while it is created, rolled or
// paused: the condition says so, and waiting is all there is to do. A failure
// behind a lasting one shows up under its own reason in another condition
// (CredentialsReady, Connected: CrashLoopBackOff, ImagePullBackOff, ...).
bool isStep(const std::string& reason) {
  static const std::set<std::string> kSteps = {
      "NotCreated",        "Progressing", "Unavailable", "WaitingForCredentials",
      "ContainerCreating", "NoAgentPods", "Paused",      "DeploymentNotAvailable",
      "NotEvaluated",      "Probing",
  };
  return kSteps.count(reason) > 0;
}

}  // namespace

std::optional<ConditionEvent> eventForFlip(const ConditionFlip& flip) {
  // Ready sums up the others: their Event already says what changed.
  if (flip.type == kReady) return std::nullopt;
  // Unknown is "not evaluated": the condition that stopped evaluating says why.
  if (flip.to == ctrl::conditions::kUnknown) return std::nullopt;
  const std::string message = flip.type + " is " + flip.to + ": " + flip.message;
  if (flip.warning) {
    if (isStep(flip.reason)) return std::nullopt;
    // A running agent that has not connected yet is a step on the way up; a
    // connection that was up and is gone is not.
    if (flip.reason == "AgentNotConnected" && flip.from != ctrl::conditions::kTrue) {
      return std::nullopt;
    }
    return ConditionEvent{"Warning", flip.reason, message};
  }
  // Back to healthy: worth a line only after a state that was not a step.
  if (flip.from.empty() || isStep(flip.fromReason)) return std::nullopt;
  return ConditionEvent{"Normal", flip.reason, message};
}

}  // namespace clusteragent
