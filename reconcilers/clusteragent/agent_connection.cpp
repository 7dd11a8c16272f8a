#include "reconcilers/clusteragent/agent_connection.h"

namespace clusteragent {
namespace {

using nlohmann::json;

// Lower is more telling: when several pods disagree, the reason a person can
// act on first wins (a bad image explains a crash loop, not the other way round).
int severity(const std::string& reason) {
  if (reason == "ImagePullBackOff") return 0;
  if (reason == "CrashLoopBackOff") return 1;
  if (reason == "Unschedulable") return 2;
  if (reason == "AgentNotConnected") return 3;
  return 4;  // ContainerCreating and anything else transient
}

bool conditionTrue(const json& pod, const std::string& type) {
  const json& conds = pod.value("/status/conditions"_json_pointer, json::array());
  for (const auto& c : conds) {
    if (c.value("type", "") == type) return c.value("status", "") == "True";
  }
  return false;
}

const json* findCondition(const json& pod, const std::string& type) {
  auto it = pod.find("status");
  if (it == pod.end()) return nullptr;
  auto conds = it->find("conditions");
  if (conds == it->end() || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    if (c.value("type", "") == type) return &c;
  }
  return nullptr;
}

AgentConnection fromPod(const json& pod) {
  const std::string podName = pod.value("/metadata/name"_json_pointer, std::string());
  AgentConnection a;
  a.pod = podName;
  if (conditionTrue(pod, "Ready")) {
    a.connected = true;
    a.reason = "Connected";
    a.message = "agent pod " + podName + " is ready: connected to the principal";
    return a;
  }
  if (const json* sched = findCondition(pod, "PodScheduled")) {
    if (sched->value("status", "") == "False" && sched->value("reason", "") == "Unschedulable") {
      a.reason = "Unschedulable";
      a.message = "agent pod " + podName + " cannot be scheduled: " + sched->value("message", "");
      return a;
    }
  }
  const json statuses = pod.value("/status/containerStatuses"_json_pointer, json::array());
  for (const auto& cs : statuses) {
    const json waiting = cs.value("/state/waiting"_json_pointer, json::object());
    const std::string wreason = waiting.value("reason", "");
    if (wreason == "ImagePullBackOff" || wreason == "ErrImagePull" ||
        wreason == "InvalidImageName") {
      a.reason = "ImagePullBackOff";
      a.message = "agent pod " + podName + " cannot pull image " + cs.value("image", "") + ": " +
                  waiting.value("message", wreason);
      return a;
    }
    if (wreason == "CrashLoopBackOff") {
      a.reason = "CrashLoopBackOff";
      const json last = cs.value("/lastState/terminated"_json_pointer, json::object());
      a.message = "agent pod " + podName +
                  " is crash-looping (restarts: " + std::to_string(cs.value("restartCount", 0)) +
                  ")";
      const std::string term = last.value("message", "");
      if (!term.empty()) {
        a.message += "; last termination: " + term;
      } else if (last.contains("exitCode")) {
        a.message += "; last exit code " + std::to_string(last.value("exitCode", 0));
      }
      return a;
    }
    if (cs.contains("/state/running"_json_pointer)) {
      a.reason = "AgentNotConnected";
      a.runningSince = cs.value("/state/running/startedAt"_json_pointer, std::string());
      a.message = "agent pod " + podName +
                  " is running but its /healthz fails: not connected to the principal "
                  "(see the pod's log)";
      return a;
    }
  }
  a.reason = "ContainerCreating";
  a.message = "agent pod " + podName + " is starting";
  return a;
}

}  // namespace

AgentConnection assessAgentConnection(const std::vector<json>& pods, int desiredReplicas) {
  std::vector<const json*> live;
  for (const auto& p : pods) {
    if (!p.contains("/metadata/deletionTimestamp"_json_pointer)) live.push_back(&p);
  }
  AgentConnection best;
  bool haveCandidate = false;
  int ready = 0;
  for (const json* p : live) {
    AgentConnection a = fromPod(*p);
    if (a.connected) {
      ++ready;
      if (!best.connected) {
        best = a;
        haveCandidate = true;
      }
      continue;
    }
    if (best.connected) continue;
    if (!haveCandidate || severity(a.reason) < severity(best.reason)) {
      best = a;
      haveCandidate = true;
    }
  }
  if (desiredReplicas == 0 && ready == 0) {
    best = AgentConnection{};
    best.reason = "Paused";
    best.message = "spec.replicas is 0: the agent is paused";
  } else if (!haveCandidate) {
    best = AgentConnection{};
    best.reason = "NoAgentPods";
    best.message = "no agent pod exists yet (check the Deployment's ReplicaSet events)";
  }
  best.readyPods = ready;
  return best;
}

}  // namespace clusteragent
