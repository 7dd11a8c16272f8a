#pragma once
// Pod status as the kubelet writes it (pkg/kubelet/kubelet_pods.go
// generateAPIPodStatus, getPhase; status/generate.go for conditions), built
// from a snapshot of each container's state. Pure: the caller passes the
// time and the status currently stored, whose lastTransitionTimes are kept
// for conditions that did not flip.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace processkubelet {

using WallTime = std::chrono::system_clock::time_point;

struct Termination {
  int exitCode = 0;
  std::string reason;   // Completed | Error | OOMKilled...
  std::string message;  // terminationMessagePath content or log tail
  std::string signal;   // "" unless killed by a signal
  WallTime startedAt;
  WallTime finishedAt;
  std::string containerID;
};

struct ContainerView {
  enum class State { kWaiting, kRunning, kTerminated };
  std::string name;
  std::string image;
  std::string imageID;
  std::string containerID;  // of the current (running or last) process
  State state = State::kWaiting;
  std::string waitingReason = "ContainerCreating";
  std::string waitingMessage;
  WallTime startedAt;               // kRunning
  Termination terminated;           // kTerminated
  std::optional<Termination> last;  // lastState.terminated
  int restartCount = 0;
  bool ready = false;
  bool started = false;
};

nlohmann::json containerStatusJson(const ContainerView& c);

// Pending | Running | Succeeded | Failed, from the containers and restartPolicy.
std::string podPhase(const std::vector<ContainerView>& containers,
                     const std::string& restartPolicy);

struct PodStatusInputs {
  std::vector<ContainerView> containers;
  std::string restartPolicy = "Always";
  std::string hostIP = "127.0.0.1";
  std::string podIP = "127.0.0.1";
  WallTime startTime;  // when the kubelet first saw the pod
  WallTime now;
};

// The full status; `current` is the status stored on the pod (may be null).
nlohmann::json buildPodStatus(const PodStatusInputs& in, const nlohmann::json& current);

// Whether writing `desired` would change `current` (fields the kubelet does
// not set, e.g. qosClass, are ignored).
bool statusDiffers(const nlohmann::json& desired, const nlohmann::json& current);

}  // namespace processkubelet
