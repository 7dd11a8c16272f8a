#pragma once
#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
// ServiceAccount `<name>-agent` in the ClusterAgent's namespace.
DesiredObject buildServiceAccount(const ClusterAgentSpec& spec);
}  // namespace clusteragent
