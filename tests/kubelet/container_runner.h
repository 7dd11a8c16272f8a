#pragma once
// One container of a pod, run as a host process with the kubelet's
// lifecycle: start (or wait in ContainerCreating / CreateContainerConfigError
// while it cannot), probes, liveness kills, restarts under restartPolicy with
// crash-loop back-off, the termination message, and graceful stop (SIGTERM,
// then SIGKILL after the grace period). Driven by sync() from the pod worker's
// loop; view() is what the status is built from.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/kube/status.h"
#include "tests/kubelet/host_process.h"
#include "tests/kubelet/pod_status.h"
#include "tests/kubelet/probe_check.h"
#include "tests/kubelet/probe_state.h"
#include "tests/kubelet/restart_backoff.h"

namespace processkubelet {

struct ContainerRunnerOptions {
  nlohmann::json container;
  std::string podDescription;  // "name_namespace(uid)", as kubelet messages name a pod
  std::string restartPolicy = "Always";
  std::string logPath;
  std::string terminationLogPath;  // host file bind-mounted at terminationMessagePath
  std::string imageID;
  std::chrono::seconds terminationGracePeriod{30};
  std::string podIP = "127.0.0.1";
};

// Builds what to launch; called at every (re)start so env and volumes are
// read fresh. A failure leaves the container waiting with `reason`.
struct LaunchFailure {
  std::string reason;  // CreateContainerConfigError, ContainerCreating, ...
  std::string message;
};
using PrepareLaunch = std::function<std::optional<LaunchSpec>(LaunchFailure* failure)>;

class ContainerRunner {
 public:
  ContainerRunner(ContainerRunnerOptions options, ctrl::ClockPtr clock);
  ~ContainerRunner();  // kills the process group outright

  // Starts, reaps, probes and restarts as due. No (re)start once stopping.
  void sync(const PrepareLaunch& prepare);
  // SIGTERM now, SIGKILL once `grace` passes (checked in sync()/stopped()).
  void beginStop(std::chrono::seconds grace);
  // True once no process runs (after beginStop, or never started).
  bool stopped();

  ContainerView view() const;
  const std::string& name() const { return name_; }

 private:
  void reap();
  void startIfDue(const PrepareLaunch& prepare);
  void runProbes();
  Termination terminationOf(const ProcessExit& exit);

  ContainerRunnerOptions opts_;
  ctrl::ClockPtr clock_;
  std::string name_;

  pid_t pid_ = -1;
  int starts_ = 0;
  std::string container_id_;
  std::chrono::steady_clock::time_point started_mono_;
  WallTime started_wall_;
  uint64_t log_offset_ = 0;  // where this run's output starts in the log

  std::optional<Termination> last_;
  bool finished_ = false;  // terminated for good (restartPolicy)
  std::optional<std::chrono::steady_clock::time_point> next_start_;
  RestartBackoff backoff_;
  bool waiting_backoff_ = false;
  LaunchFailure waiting_{"ContainerCreating", ""};

  bool stopping_ = false;
  std::optional<std::chrono::steady_clock::time_point> kill_at_;

  struct Probe {
    ProbeState state;
    std::future<ProbeOutcome> inFlight;
  };
  std::vector<std::unique_ptr<Probe>> probes_;
  Probe* liveness_ = nullptr;
  Probe* readiness_ = nullptr;
  Probe* startup_ = nullptr;
};

// Go's time.Duration text for whole seconds: "10s", "1m20s", "5m0s".
std::string goDuration(std::chrono::seconds d);

}  // namespace processkubelet
