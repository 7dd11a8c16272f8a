#include "bench/convergence_watch.h"

#include <iostream>

#include "reconcilers/clusteragent/ownership.h"

namespace bench {

using nlohmann::json;

ConvergenceWatch::ConvergenceWatch(std::shared_ptr<ctrl::kube::KubeClient> client, std::string ns)
    : client_(std::move(client)), ns_(std::move(ns)) {}

ConvergenceWatch::~ConvergenceWatch() {
  stop();
}

void ConvergenceWatch::start(SteadyClock::time_point t0) {
  t0_ = t0;
  thread_ = std::thread([this] { loop(); });
}

void ConvergenceWatch::stop() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_) current_->cancel();
  }
  if (thread_.joinable()) thread_.join();
}

int ConvergenceWatch::converged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(first_converged_.size());
}

std::vector<double> ConvergenceWatch::latencies() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> out;
  for (const auto& [name, at] : first_converged_) out.push_back(at);
  return out;
}

void ConvergenceWatch::observe(const json& ca) {
  const json& md = ca.value("metadata", json::object());
  const std::string name = md.value("name", "");
  const json generation = md.value("generation", json());
  const json observed = ca.value("/status/observedGeneration"_json_pointer, json());
  if (name.empty() || generation.is_null() || observed != generation) return;
  double at = seconds(SteadyClock::now() - t0_);
  std::lock_guard<std::mutex> lock(mu_);
  first_converged_.emplace(name, at);
}

void ConvergenceWatch::loop() {
  std::string rv;
  while (!stopping_) {
    if (rv.empty()) {
      auto list = ctrl::kube::listAll(*client_, clusteragent::kClusterAgents, ns_);
      if (!list.isOk()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      for (const auto& ca : (*list)["items"]) observe(ca);
      rv = (*list).value("/metadata/resourceVersion"_json_pointer, "");
    }
    ctrl::kube::WatchOptions wo;
    wo.resourceVersion = rv;
    wo.timeoutSeconds = 60;
    auto stream = client_->watch(clusteragent::kClusterAgents, ns_, wo);
    if (!stream.isOk()) {
      rv.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_ = stream->get();
    }
    while (!stopping_) {
      auto ev = (*stream)->next();
      if (!ev.isOk() || !ev->has_value()) break;  // error / end: watch again from rv
      const auto& e = **ev;
      if (e.type == ctrl::kube::WatchEvent::Type::kError) {
        rv.clear();  // 410 Gone and friends: list again
        break;
      }
      std::string newRv = e.object.value("/metadata/resourceVersion"_json_pointer, "");
      if (!newRv.empty()) rv = newRv;
      if (e.type == ctrl::kube::WatchEvent::Type::kAdded ||
          e.type == ctrl::kube::WatchEvent::Type::kModified) {
        observe(e.object);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    current_ = nullptr;
  }
}

}  // namespace bench
