#pragma once
// Everything the kubelet does for one pod bound to this node, level-based:
// sync(pod) with the latest object materialises volumes once, drives each
// container (container_runner.h), writes status when it changed, and on
// deletionTimestamp stops the processes within the grace period and then
// confirms the deletion (gracePeriodSeconds=0), as the kubelet does.

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/kube/kube_client.h"
#include "tests/kubelet/container_runner.h"
#include "tests/kubelet/env_resolver.h"
#include "tests/kubelet/image_map.h"
#include "tests/kubelet/object_source.h"
#include "tests/kubelet/pod_volumes.h"

namespace processkubelet {

struct PodWorkerDeps {
  ctrl::kube::KubeClientPtr client;
  const ImageMap* images = nullptr;
  ObjectSource* objects = nullptr;
  TokenIssuer issueToken;
  ctrl::ClockPtr clock;
  std::string stateDir;  // pod directories: <stateDir>/pods/<uid>
  std::string logDir;    // <logDir>/<ns>_<pod>_<container>.log
  EnvList imageEnv;      // PATH and the like
  EnvList serviceEnv;    // KUBERNETES_SERVICE_HOST/PORT...
  std::string clusterCaPem;
};

class PodWorker {
 public:
  PodWorker(PodWorkerDeps deps, const nlohmann::json& pod);
  ~PodWorker();  // kills whatever still runs

  void sync(const nlohmann::json& pod);
  // The pod object is gone, or the kubelet stops: SIGTERM now, SIGKILL after `grace`.
  void beginStop(std::chrono::seconds grace);
  // True once no process of the pod runs (enforces the SIGKILL deadline).
  bool stopped();
  // Deletion confirmed (or pod gone): the worker can be dropped.
  bool done() const { return done_; }

 private:
  std::optional<LaunchSpec> prepare(const nlohmann::json& pod, const nlohmann::json& container,
                                    LaunchFailure* failure);
  void writeStatus(const nlohmann::json& pod);

  PodWorkerDeps deps_;
  std::string ns_, name_, uid_, podDir_;
  WallTime first_seen_;
  std::optional<VolumeDirs> volume_dirs_;
  std::vector<std::unique_ptr<ContainerRunner>> containers_;
  bool terminating_ = false;
  bool done_ = false;
  nlohmann::json last_written_;
  std::chrono::steady_clock::time_point last_write_at_{};
};

}  // namespace processkubelet
