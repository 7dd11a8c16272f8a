#pragma once
// Answers "is this cluster's agent connected to the principal, and if not,
// why?" from the agent's Pods, as cached by the pod informer. Upstream's
// /healthz answers 200 only while the agent holds its connection, and it is
// the readiness probe, so a Ready pod means connected; everything else gets
// the most actionable reason the pod state offers.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace clusteragent {

struct AgentConnection {
  bool connected = false;
  std::string reason;   // Connected, Paused, NoAgentPods, ImagePullBackOff, CrashLoopBackOff,
                        // Unschedulable, AgentNotConnected, ContainerCreating (and, refined
                        // from the agent's log: agent_log_diagnosis.h)
  std::string message;  // for people: what is wrong and where to look
  int readyPods = 0;
  std::string pod = "";           // the pod the reason is about ("" for Paused, NoAgentPods)
  std::string runningSince = "";  // AgentNotConnected: its container's state.running.startedAt
};

// desiredReplicas: spec.replicas (0 pauses). Pods that are terminating
// (metadata.deletionTimestamp) are ignored: they say nothing about the
// agent that replaces them.
AgentConnection assessAgentConnection(const std::vector<nlohmann::json>& pods, int desiredReplicas);

}  // namespace clusteragent
