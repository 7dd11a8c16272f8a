#pragma once
// Which condition changes become Events on the ClusterAgent. Conditions
// record every step of creating or updating an agent; an Event is for what a
// person acts on (issue 12): a condition going bad for a reason that is not a
// normal step, and the recovery from such a state. A normal creation emits
// none, so a rollout of many ClusterAgents does not spend its write budget on
// Events nobody reads.

#include <optional>
#include <string>

#include "reconcilers/clusteragent/status_evaluation.h"

namespace clusteragent {

struct ConditionEvent {
  std::string type;  // "Warning" or "Normal"
  std::string reason;
  std::string message;
};

std::optional<ConditionEvent> eventForFlip(const ConditionFlip& flip);

}  // namespace clusteragent
