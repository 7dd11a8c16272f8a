#pragma once
// Watches the namespace's ClusterAgents (one LIST, then a WATCH; no polling
// of N objects, which would load the API server being measured) and records,
// per ClusterAgent, the first time status.observedGeneration ==
// metadata.generation, in seconds since `t0`.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "controller/kube/kube_client.h"

namespace bench {

class ConvergenceWatch {
 public:
  ConvergenceWatch(std::shared_ptr<ctrl::kube::KubeClient> client, std::string ns);
  ~ConvergenceWatch();  // stop()
  ConvergenceWatch(const ConvergenceWatch&) = delete;
  ConvergenceWatch& operator=(const ConvergenceWatch&) = delete;

  void start(SteadyClock::time_point t0);
  void stop();
  int converged() const;
  std::vector<double> latencies() const;  // seconds since t0, one per converged ClusterAgent

 private:
  void loop();
  void observe(const nlohmann::json& ca);

  std::shared_ptr<ctrl::kube::KubeClient> client_;
  std::string ns_;
  SteadyClock::time_point t0_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::map<std::string, double> first_converged_;
  ctrl::kube::WatchStream* current_ = nullptr;  // guarded by mu_
};

}  // namespace bench
