#pragma once
// One container probe as the kubelet's prober worker runs it
// (pkg/kubelet/prober/worker.go): nothing before initialDelaySeconds, then one
// attempt every periodSeconds; the result flips to success after
// successThreshold consecutive successes and to failure after
// failureThreshold consecutive failures. Readiness and startup start as
// failure, liveness as success. Pure: the caller supplies the time and
// performs the attempt (probe_check.h).

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace processkubelet {

struct ProbeSpec {
  enum class Action { kHttpGet, kTcpSocket, kExec, kGrpc, kNone };
  Action action = Action::kNone;
  std::string scheme = "HTTP";  // httpGet
  std::string host;             // "" means the pod IP (127.0.0.1 here)
  std::string path = "/";
  int port = 0;
  std::vector<std::pair<std::string, std::string>> httpHeaders;
  std::chrono::seconds initialDelay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int successThreshold = 1;
  int failureThreshold = 3;
  std::optional<int64_t> terminationGracePeriodSeconds;  // liveness/startup override
};

// Parses a Probe; a named port is looked up in the container's ports.
// Defaults are the API's (period 10 s, timeout 1 s, thresholds 1 and 3).
ProbeSpec parseProbe(const nlohmann::json& probe, const nlohmann::json& container);

class ProbeState {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Kind { kReadiness, kLiveness, kStartup };

  ProbeState(Kind kind, ProbeSpec spec, TimePoint containerStarted);

  // Whether an attempt should start now (none in flight, delay and period passed).
  bool due(TimePoint now) const;
  void attemptStarted(TimePoint now);
  void attemptFinished(bool success);

  // The current verdict: ready / alive / started.
  bool result() const { return result_; }
  // Consecutive failures so far (for messages).
  int consecutiveFailures() const { return failures_; }
  const ProbeSpec& spec() const { return spec_; }
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
  ProbeSpec spec_;
  TimePoint started_;
  std::optional<TimePoint> last_attempt_;
  bool in_flight_ = false;
  bool result_;
  int successes_ = 0;
  int failures_ = 0;
};

const char* probeKindName(ProbeState::Kind kind);

}  // namespace processkubelet
