#pragma once
#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
// Service `<name>-agent-metrics`, port 8181 ("metrics"), selecting the agent pods.
DesiredObject buildMetricsService(const ClusterAgentSpec& spec);
}  // namespace clusteragent
