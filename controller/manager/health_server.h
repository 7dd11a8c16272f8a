#pragma once
// The operator's HTTP endpoints: /metrics (Prometheus) and the kubelet's
// probes /healthz and /readyz. Served on every replica, leader or not. With
// controller-runtime's flags: --metrics-bind-address and
// --health-probe-bind-address; "0" disables one; the same address serves both
// from one listener (not with secure metrics: the probes stay plain HTTP).
//
// Each public address is a ConnectionGuard (connection_guard.h: caps on
// connections, header and body size, idle time) relaying to a cpprestsdk
// listener on 127.0.0.1 that only the guard talks to. With metricsSecure the
// metrics guard terminates TLS and /metrics answers only requests whose bearer
// token a TokenReview accepts and a SubjectAccessReview allows
// (metrics_authorizer.h), as controller-runtime's secure metrics serving does.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "controller/kube/status.h"
#include "controller/manager/connection_guard.h"
#include "controller/manager/metrics.h"
#include "controller/manager/metrics_authorizer.h"
#include "controller/manager/server_tls.h"

namespace ctrl::manager {

struct HealthServerOptions {
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  const Registry* registry = nullptr;  // Registry::global() when null

  // HTTPS for /metrics, and only for callers metricsAuthorizer allows.
  bool metricsSecure = false;
  // tls.crt / tls.key; "": a self-signed certificate made at start.
  std::string metricsCertDir;
  ServerTlsPtr metricsTls;                               // when set, used instead of metricsCertDir
  std::shared_ptr<MetricsAuthorizer> metricsAuthorizer;  // required with metricsSecure
  // Caps of both guards (host, ports and tls are set per listener).
  ConnectionGuardOptions limits;
  // Counts what the guards refuse, by listener ("metrics", "probes") and
  // reason (ConnectionGuardOptions::onRefused); none when null.
  Counter* refusedRequests = nullptr;
};

// ":8080" -> "http://0.0.0.0:8080", "127.0.0.1:9000" -> "http://127.0.0.1:9000".
// "0" or "" -> "" (disabled). Port 0: the kernel picks one (metricsPort(), probePort()).
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
  // The bound port of the metrics / probe address (useful with port 0), 0 when off.
  uint16_t metricsPort() const;
  uint16_t probePort() const;
  void stop();  // idempotent

  struct Response {
    int code;
    std::string contentType;
    std::string body;
  };
  // What a GET of path returns on a listener serving metrics and/or probes.
  Response handle(const std::string& path, bool serveMetrics, bool serveProbes) const;
  // As handle(), with /metrics first authorised when secure (authorization:
  // the request's Authorization header).
  Response handleAuthorized(const std::string& path, const std::string& authorization,
                            bool serveMetrics, bool serveProbes, bool secure) const;

 private:
  struct Listener;
  HealthServerOptions options_;
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, Check>> readiness_;
  std::vector<std::pair<std::string, Check>> health_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace ctrl::manager
