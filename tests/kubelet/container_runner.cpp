#include "tests/kubelet/container_runner.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace processkubelet {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::steady_clock;

namespace {

// The kubelet's limits for a termination message taken from the log.
constexpr size_t kMaxLogTailLines = 80;
constexpr size_t kMaxLogTailBytes = 2048;
constexpr size_t kMaxTerminationMessageBytes = 4096;
// How soon a start that could not be prepared is tried again.
constexpr seconds kPrepareRetry{1};

std::string readFrom(const std::string& path, uint64_t offset, size_t max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  if (size <= offset) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > max ? text.substr(0, max) : text;
}

std::string logTail(const std::string& path, uint64_t offset) {
  std::string text = readFrom(path, offset, std::string::npos);
  size_t lines = 0;
  size_t start = text.size();
  // Count back over the trailing newline too, as `tail -n` does.
  while (start > 0) {
    if (text[start - 1] == '\n' && start != text.size() && ++lines == kMaxLogTailLines) break;
    --start;
  }
  text = text.substr(start);
  if (text.size() > kMaxLogTailBytes) text = text.substr(text.size() - kMaxLogTailBytes);
  return text;
}

uint64_t fileSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? static_cast<uint64_t>(in.tellg()) : 0;
}

}  // namespace

std::string goDuration(seconds d) {
  const int64_t s = d.count();
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

ContainerRunner::ContainerRunner(ContainerRunnerOptions options, ctrl::ClockPtr clock)
    : opts_(std::move(options)), clock_(std::move(clock)) {
  name_ = opts_.container.value("name", "");
  next_start_ = clock_->now();
}

ContainerRunner::~ContainerRunner() {
  if (pid_ > 0) {
    signalProcessGroup(pid_, SIGKILL);
    while (!reapIfExited(pid_)) usleep(10000);
  }
}

void ContainerRunner::sync(const PrepareLaunch& prepare) {
  reap();
  if (pid_ > 0) {
    if (kill_at_ && clock_->now() >= *kill_at_) {
      signalProcessGroup(pid_, SIGKILL);
      kill_at_.reset();
    }
    if (!stopping_) runProbes();
    return;
  }
  if (!stopping_ && !finished_) startIfDue(prepare);
}

void ContainerRunner::beginStop(seconds grace) {
  stopping_ = true;
  if (pid_ <= 0 || kill_at_) return;
  signalProcessGroup(pid_, SIGTERM);
  kill_at_ = clock_->now() + grace;
}

bool ContainerRunner::stopped() {
  reap();
  if (pid_ > 0 && kill_at_ && clock_->now() >= *kill_at_) {
    signalProcessGroup(pid_, SIGKILL);
    kill_at_.reset();
  }
  return pid_ <= 0;
}

void ContainerRunner::reap() {
  if (pid_ <= 0) return;
  auto exit = reapIfExited(pid_);
  if (!exit) return;
  // Whatever it spawned goes with it, as when a container's init process exits.
  signalProcessGroup(pid_, SIGKILL);
  pid_ = -1;
  kill_at_.reset();
  last_ = terminationOf(*exit);
  probes_.clear();
  liveness_ = readiness_ = startup_ = nullptr;
  const bool restart = opts_.restartPolicy == "Always" ||
                       (opts_.restartPolicy == "OnFailure" && exit->exitCode != 0);
  if (!restart) {
    finished_ = true;
    return;
  }
  const auto at = backoff_.restartAt(clock_->now());
  waiting_backoff_ = at > clock_->now();
  next_start_ = at;
}

Termination ContainerRunner::terminationOf(const ProcessExit& exit) {
  Termination t;
  t.exitCode = exit.exitCode;
  t.reason = exit.exitCode == 0 ? "Completed" : "Error";
  t.startedAt = started_wall_;
  t.finishedAt = clock_->wallNow();
  t.containerID = container_id_;
  t.message = readFrom(opts_.terminationLogPath, 0, kMaxTerminationMessageBytes);
  if (t.message.empty() && exit.exitCode != 0 &&
      opts_.container.value("terminationMessagePolicy", "File") == "FallbackToLogsOnError") {
    t.message = logTail(opts_.logPath, log_offset_);
  }
  return t;
}

void ContainerRunner::startIfDue(const PrepareLaunch& prepare) {
  const auto now = clock_->now();
  if (next_start_ && now < *next_start_) return;
  LaunchFailure failure;
  auto spec = prepare(&failure);
  if (!spec) {
    waiting_ = failure;
    waiting_backoff_ = false;
    next_start_ = now + kPrepareRetry;
    return;
  }
  // A fresh termination log per run, so a stale message is never reported.
  std::ofstream(opts_.terminationLogPath, std::ios::trunc).close();
  log_offset_ = fileSize(opts_.logPath);
  auto pid = launchHostProcess(*spec);
  if (!pid.isOk()) {
    waiting_ = {"RunContainerError", pid.status().message()};
    waiting_backoff_ = false;
    next_start_ = now + kPrepareRetry;
    return;
  }
  if (starts_ > 0) backoff_.restarted(now);
  ++starts_;
  pid_ = *pid;
  container_id_ = "process://" + std::to_string(pid_);
  started_mono_ = now;
  started_wall_ = clock_->wallNow();
  waiting_backoff_ = false;
  next_start_.reset();
  const json& c = opts_.container;
  auto add = [&](const char* field, ProbeState::Kind kind) -> Probe* {
    if (!c.contains(field) || !c[field].is_object()) return nullptr;
    probes_.push_back(std::make_unique<Probe>(
        Probe{ProbeState(kind, parseProbe(c[field], c), started_mono_), {}}));
    return probes_.back().get();
  };
  startup_ = add("startupProbe", ProbeState::Kind::kStartup);
  liveness_ = add("livenessProbe", ProbeState::Kind::kLiveness);
  readiness_ = add("readinessProbe", ProbeState::Kind::kReadiness);
}

void ContainerRunner::runProbes() {
  const auto now = clock_->now();
  const bool started = startup_ == nullptr || startup_->state.result();
  for (auto& p : probes_) {
    if (p->inFlight.valid() &&
        p->inFlight.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      p->state.attemptFinished(p->inFlight.get().success);
    }
    // Liveness and readiness wait for the startup probe, as in the kubelet.
    const bool gated = p.get() != startup_ && !started;
    if (gated || (p.get() == startup_ && p->state.result())) continue;
    if (!p->inFlight.valid() && p->state.due(now)) {
      p->state.attemptStarted(now);
      p->inFlight = std::async(std::launch::async, runProbe, p->state.spec(), opts_.podIP);
    }
  }
  if (liveness_ != nullptr && !liveness_->state.result() && !kill_at_) {
    // "Container x failed liveness probe, will be restarted"
    const auto& spec = liveness_->state.spec();
    const seconds grace = spec.terminationGracePeriodSeconds
                              ? seconds(*spec.terminationGracePeriodSeconds)
                              : opts_.terminationGracePeriod;
    signalProcessGroup(pid_, SIGTERM);
    kill_at_ = now + grace;
  }
}

ContainerView ContainerRunner::view() const {
  ContainerView v;
  v.name = name_;
  v.image = opts_.container.value("image", "");
  v.imageID = opts_.imageID;
  v.restartCount = std::max(0, starts_ - 1);
  v.last = last_;
  v.containerID = container_id_;
  if (pid_ > 0) {
    v.state = ContainerView::State::kRunning;
    v.startedAt = started_wall_;
    v.started = startup_ == nullptr || startup_->state.result();
    v.ready = v.started && (readiness_ == nullptr || readiness_->state.result()) && !kill_at_;
  } else if (finished_ && last_) {
    v.state = ContainerView::State::kTerminated;
    v.terminated = *last_;
    v.last.reset();
  } else if (waiting_backoff_) {
    v.waitingReason = "CrashLoopBackOff";
    v.waitingMessage = "back-off " +
                       goDuration(std::chrono::duration_cast<seconds>(backoff_.current())) +
                       " restarting failed container=" + name_ + " pod=" + opts_.podDescription;
  } else {
    v.waitingReason = waiting_.reason;
    v.waitingMessage = waiting_.message;
  }
  return v;
}

}  // namespace processkubelet
