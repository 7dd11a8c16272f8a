#include "tests/kubelet/pod_status.h"

#include "controller/conditions/conditions.h"

namespace processkubelet {

using nlohmann::json;

namespace {

std::string ts(WallTime t) {
  return ctrl::conditions::formatTime(t);
}

json terminatedJson(const Termination& t) {
  json j = {{"exitCode", t.exitCode},
            {"reason", t.reason},
            {"startedAt", ts(t.startedAt)},
            {"finishedAt", ts(t.finishedAt)}};
  if (!t.message.empty()) j["message"] = t.message;
  if (!t.containerID.empty()) j["containerID"] = t.containerID;
  return j;
}

// A condition with lastTransitionTime kept from `current` when the status did not flip.
json condition(const std::string& type, bool value, const std::string& reason,
               const std::string& message, const json& current, WallTime now) {
  // lastProbeTime is null as the kubelet leaves it (and as the server stores it:
  // without it every stored status would look changed).
  json c = {{"type", type}, {"status", value ? "True" : "False"}, {"lastProbeTime", nullptr}};
  static const json kNone;
  const json* old = ctrl::conditions::findCondition(
      current.contains("conditions") ? current["conditions"] : kNone, type);
  c["lastTransitionTime"] = old != nullptr && old->value("status", "") == c["status"]
                                ? old->value("lastTransitionTime", ts(now))
                                : ts(now);
  if (!value && !reason.empty()) c["reason"] = reason;
  if (!value && !message.empty()) c["message"] = message;
  return c;
}

}  // namespace

json containerStatusJson(const ContainerView& c) {
  json state;
  switch (c.state) {
    case ContainerView::State::kWaiting: {
      json w = {{"reason", c.waitingReason}};
      if (!c.waitingMessage.empty()) w["message"] = c.waitingMessage;
      state["waiting"] = std::move(w);
      break;
    }
    case ContainerView::State::kRunning:
      state["running"] = {{"startedAt", ts(c.startedAt)}};
      break;
    case ContainerView::State::kTerminated:
      state["terminated"] = terminatedJson(c.terminated);
      break;
  }
  json j = {{"name", c.name},
            {"image", c.image},
            {"imageID", c.imageID},
            {"ready", c.ready},
            {"started", c.started},
            {"restartCount", c.restartCount},
            {"state", std::move(state)},
            {"lastState", json::object()}};
  if (c.last) j["lastState"]["terminated"] = terminatedJson(*c.last);
  if (!c.containerID.empty()) j["containerID"] = c.containerID;
  return j;
}

std::string podPhase(const std::vector<ContainerView>& containers,
                     const std::string& restartPolicy) {
  // getPhase: a container waiting that never ran keeps the pod Pending; one
  // that ran before and waits to restart counts as stopped.
  int waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const auto& c : containers) {
    switch (c.state) {
      case ContainerView::State::kRunning:
        ++running;
        break;
      case ContainerView::State::kTerminated:
        ++stopped;
        if (c.terminated.exitCode == 0) ++succeeded;
        break;
      case ContainerView::State::kWaiting:
        if (c.last) {
          ++stopped;
        } else {
          ++waiting;
        }
        break;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (restartPolicy == "Always") return "Running";
    if (stopped == succeeded) return "Succeeded";
    if (restartPolicy == "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

json buildPodStatus(const PodStatusInputs& in, const json& currentIn) {
  const json current = currentIn.is_object() ? currentIn : json::object();
  const WallTime now = in.now;
  const std::string phase = podPhase(in.containers, in.restartPolicy);

  json statuses = json::array();
  std::vector<std::string> notReady;
  for (const auto& c : in.containers) {
    statuses.push_back(containerStatusJson(c));
    if (!c.ready) notReady.push_back(c.name);
  }
  std::string unready;
  for (const auto& n : notReady) unready += (unready.empty() ? "" : " ") + n;
  const bool allReady = notReady.empty() && !in.containers.empty();
  const bool terminal = phase == "Succeeded" || phase == "Failed";
  // A finished pod is not ready, whatever its containers said last.
  const bool ready = allReady && !terminal;
  const std::string reason = terminal ? "PodCompleted" : "ContainersNotReady";
  const std::string message = terminal ? "" : "containers with unready status: [" + unready + "]";

  json conditions = json::array();
  conditions.push_back(condition("PodReadyToStartContainers", !terminal, "", "", current, now));
  conditions.push_back(condition("Initialized", true, "", "", current, now));
  conditions.push_back(condition("Ready", ready, reason, message, current, now));
  conditions.push_back(condition("ContainersReady", ready, reason, message, current, now));
  conditions.push_back(condition("PodScheduled", true, "", "", current, now));

  const std::string startTime = current.contains("startTime") && current["startTime"].is_string()
                                    ? current["startTime"].get<std::string>()
                                    : ts(in.startTime);
  return {{"phase", phase},         {"conditions", std::move(conditions)},
          {"hostIP", in.hostIP},    {"hostIPs", json::array({{{"ip", in.hostIP}}})},
          {"podIP", in.podIP},      {"podIPs", json::array({{{"ip", in.podIP}}})},
          {"startTime", startTime}, {"containerStatuses", std::move(statuses)}};
}

bool statusDiffers(const json& desired, const json& current) {
  if (!current.is_object()) return true;
  for (const auto& [key, value] : desired.items()) {
    if (!current.contains(key) || current[key] != value) return true;
  }
  return false;
}

}  // namespace processkubelet
