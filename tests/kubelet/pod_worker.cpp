#include "tests/kubelet/pod_worker.h"

#include <signal.h>

#include <filesystem>

#include "controller/logging/logger.h"
#include "tests/kubelet/command_line.h"

namespace processkubelet {

using nlohmann::json;
using std::chrono::seconds;
namespace fs = std::filesystem;
namespace log = ctrl::logging;

namespace {

seconds gracePeriod(const json& pod) {
  const json& meta = pod["metadata"];
  if (meta.contains("deletionGracePeriodSeconds") &&
      meta["deletionGracePeriodSeconds"].is_number_integer()) {
    return seconds(meta["deletionGracePeriodSeconds"].get<int64_t>());
  }
  return seconds(pod["spec"].value("terminationGracePeriodSeconds", int64_t{30}));
}

}  // namespace

PodWorker::PodWorker(PodWorkerDeps deps, const json& pod) : deps_(std::move(deps)) {
  const json& meta = pod["metadata"];
  ns_ = meta.value("namespace", "");
  name_ = meta.value("name", "");
  uid_ = meta.value("uid", "");
  podDir_ = deps_.stateDir + "/pods/" + uid_;
  first_seen_ = deps_.clock->wallNow();
  std::error_code ec;
  fs::create_directories(podDir_ + "/containers", ec);
  fs::create_directories(deps_.logDir, ec);
  for (const auto& c : pod["spec"].value("containers", json::array())) {
    ContainerRunnerOptions o;
    o.container = c;
    o.podDescription = name_ + "_" + ns_ + "(" + uid_ + ")";
    o.restartPolicy = pod["spec"].value("restartPolicy", "Always");
    const std::string cname = c.value("name", "");
    o.logPath = deps_.logDir + "/" + ns_ + "_" + name_ + "_" + cname + ".log";
    o.terminationLogPath = podDir_ + "/containers/" + cname + ".termination-log";
    const auto binary = deps_.images->binaryFor(c.value("image", ""));
    o.imageID = "process-kubelet://" + binary.value_or("");
    o.terminationGracePeriod = seconds(pod["spec"].value("terminationGracePeriodSeconds", 30));
    containers_.push_back(std::make_unique<ContainerRunner>(std::move(o), deps_.clock));
  }
  log::info("pod admitted", {{"pod", ns_ + "/" + name_}, {"uid", uid_}});
}

PodWorker::~PodWorker() {
  containers_.clear();  // each runner kills its process group
  std::error_code ec;
  fs::remove_all(podDir_, ec);
}

std::optional<LaunchSpec> PodWorker::prepare(const json& pod, const json& container,
                                             LaunchFailure* failure) {
  const std::string image = container.value("image", "");
  const auto binary = deps_.images->binaryFor(image);
  if (!binary) {
    *failure = {"ErrImageNeverPull",
                "image \"" + image + "\" is not on process-kubelet's --image allow-list"};
    return std::nullopt;
  }
  if (!volume_dirs_) {
    VolumeContext vctx{&pod, podDir_, deps_.objects, deps_.issueToken, deps_.clusterCaPem};
    auto dirs = materialiseVolumes(vctx);
    if (!dirs.isOk()) {
      *failure = {"ContainerCreating", dirs.status().message()};
      return std::nullopt;
    }
    volume_dirs_ = std::move(*dirs);
  }
  EnvContext ectx;
  ectx.pod = &pod;
  ectx.imageEnv = deps_.imageEnv;
  ectx.imageEnv.emplace_back("HOSTNAME", name_);
  ectx.serviceEnv = deps_.serviceEnv;
  auto env = resolveEnv(container, ectx, *deps_.objects);
  if (!env.isOk()) {
    *failure = {"CreateContainerConfigError", env.status().message()};
    return std::nullopt;
  }
  auto mounts = containerMounts(container, *volume_dirs_);
  if (!mounts.isOk()) {
    *failure = {"CreateContainerConfigError", mounts.status().message()};
    return std::nullopt;
  }
  const std::string cname = container.value("name", "");
  mounts->push_back({podDir_ + "/containers/" + cname + ".termination-log",
                     container.value("terminationMessagePath", "/dev/termination-log"), false});
  LaunchSpec spec;
  spec.argv = containerArgv(container, *binary, *env);
  for (const auto& [k, v] : *env) spec.env.push_back(k + "=" + v);
  spec.mounts = std::move(*mounts);
  spec.workingDir = container.value("workingDir", "");
  spec.logPath = deps_.logDir + "/" + ns_ + "_" + name_ + "_" + cname + ".log";
  return spec;
}

void PodWorker::sync(const json& pod) {
  if (done_) return;
  if (!terminating_ && pod["metadata"].contains("deletionTimestamp")) {
    terminating_ = true;
    const seconds grace = gracePeriod(pod);
    log::info("pod terminating",
              {{"pod", ns_ + "/" + name_}, {"gracePeriodSeconds", grace.count()}});
    for (auto& c : containers_) c->beginStop(grace);
  }
  const json containers = pod["spec"].value("containers", json::array());
  for (size_t i = 0; i < containers_.size() && i < containers.size(); ++i) {
    const json& spec = containers[i];
    containers_[i]->sync([&](LaunchFailure* failure) { return prepare(pod, spec, failure); });
  }
  if (terminating_) {
    for (auto& c : containers_) {
      if (!c->stopped()) return;
    }
    ctrl::kube::DeleteOptions opts;
    opts.gracePeriodSeconds = 0;
    opts.preconditionUid = uid_;
    auto s = deps_.client->remove(ctrl::kube::resources::kPods, ns_, name_, opts);
    if (s.isOk() || ctrl::kube::isNotFound(s) || ctrl::kube::isConflict(s)) {
      log::info("pod deletion confirmed", {{"pod", ns_ + "/" + name_}});
      done_ = true;
    } else {
      log::warn("confirming pod deletion failed",
                {{"pod", ns_ + "/" + name_}, {"error", s.toString()}});
    }
    return;
  }
  writeStatus(pod);
}

void PodWorker::writeStatus(const json& pod) {
  PodStatusInputs in;
  in.restartPolicy = pod["spec"].value("restartPolicy", "Always");
  in.startTime = first_seen_;
  in.now = deps_.clock->wallNow();
  for (auto& c : containers_) in.containers.push_back(c->view());
  const json current = pod.value("status", json::object());
  json desired = buildPodStatus(in, current);
  if (!statusDiffers(desired, current)) return;
  // The cache lags our own write by a moment: do not repeat an identical one at once.
  const auto now = deps_.clock->now();
  if (desired == last_written_ && now - last_write_at_ < seconds(2)) return;
  auto r =
      deps_.client->patch(ctrl::kube::resources::kPods, ns_, name_, ctrl::kube::PatchType::kMerge,
                          {{"status", desired}}, {"", false, "status"});
  if (!r.isOk()) {
    log::warn("pod status write failed",
              {{"pod", ns_ + "/" + name_}, {"error", r.status().toString()}});
    return;
  }
  last_written_ = std::move(desired);
  last_write_at_ = now;
}

void PodWorker::beginStop(seconds grace) {
  for (auto& c : containers_) c->beginStop(grace);
}

bool PodWorker::stopped() {
  bool all = true;
  for (auto& c : containers_) all = c->stopped() && all;
  if (all) done_ = true;
  return all;
}

}  // namespace processkubelet
