#pragma once
// A kubelet for tests that runs containers as host processes: it registers a
// Node, binds the Pending pods it can run (every image on its allow-list; no
// scheduler runs in the test control plane), runs their containers
// (pod_worker.h) and reports their status, through the project's own
// KubeClient and Informer. See tests/kubelet/README.md.

#include <memory>
#include <string>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/clock/stop_signal.h"
#include "controller/kube/kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/kubelet/image_map.h"

namespace processkubelet {

struct ProcessKubeletOptions {
  std::string nodeName = "process-kubelet";
  ImageMap images;
  std::vector<std::string> namespaces;  // pods it binds and runs; empty: all
  std::string stateDir;                 // volumes, termination logs
  std::string logDir;                   // container logs
  // Where the API server is, for in-cluster clients of the processes
  // (KUBERNETES_SERVICE_HOST/PORT) and ca.crt.
  ctrl::kube::ClientConfig clientConfig;
};

// Whether this kubelet can run the pod: every container image is allowed
// and there are no init containers (not modelled).
bool canRun(const nlohmann::json& pod, const ImageMap& images);

class ProcessKubelet {
 public:
  ProcessKubelet(ctrl::kube::KubeClientPtr client, ProcessKubeletOptions opts,
                 ctrl::ClockPtr clock = std::make_shared<ctrl::RealClock>());
  ~ProcessKubelet();

  // Runs until stop is requested, then stops every process it started.
  ctrl::kube::Status run(const ctrl::StopSignal& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace processkubelet
