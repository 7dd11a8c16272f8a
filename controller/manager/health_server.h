#pragma once
// The operator's HTTP endpoints: /metrics (Prometheus) and the kubelet's
// probes /healthz and /readyz. Served on every replica, leader or not. With
// controller-runtime's flags: --metrics-bind-address and
// --health-probe-bind-address; "0" disables one; the same address serves both
// from one listener.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "controller/kube/status.h"
#include "controller/manager/metrics.h"

namespace ctrl::manager {

struct HealthServerOptions {
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  const Registry* registry = nullptr;  // Registry::global() when null
};

// ":8080" -> "http://0.0.0.0:8080", "127.0.0.1:9000" -> "http://127.0.0.1:9000".
// "0" or "" -> "" (disabled).
kube::StatusOr<std::string> listenUriFor(const std::string& bindAddress);

using Check = std::function<bool()>;

class HealthServer {
 public:
  explicit HealthServer(HealthServerOptions options);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Readiness: /readyz is 200 only while every check passes.
  void addReadinessCheck(const std::string& name, Check check);
  // Liveness: /healthz is 200 "ok" while every check passes.
  void addHealthCheck(const std::string& name, Check check);

  kube::Status start();  // binds; fails when an address is taken or malformed
  void stop();           // idempotent

  struct Response {
    int code;
    std::string contentType;
    std::string body;
  };
  // What a GET of path returns on a listener serving metrics and/or probes.
  Response handle(const std::string& path, bool serveMetrics, bool serveProbes) const;

 private:
  struct Listener;
  HealthServerOptions options_;
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, Check>> readiness_;
  std::vector<std::pair<std::string, Check>> health_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace ctrl::manager
