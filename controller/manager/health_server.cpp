#include "controller/manager/health_server.h"

#include <cpprest/http_listener.h>

#include "controller/logging/logger.h"

namespace ctrl::manager {

using web::http::experimental::listener::http_listener;

struct HealthServer::Listener {
  std::string uri;
  std::unique_ptr<http_listener> listener;
};

kube::StatusOr<std::string> listenUriFor(const std::string& bindAddress) {
  if (bindAddress.empty() || bindAddress == "0") return std::string();
  auto colon = bindAddress.rfind(':');
  if (colon == std::string::npos) {
    return kube::Status(kube::Code::kInvalidArgument,
                        "bind address \"" + bindAddress + "\" has no port");
  }
  std::string host = bindAddress.substr(0, colon);
  std::string port = bindAddress.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535 || std::stoul(port) == 0) {
    return kube::Status(kube::Code::kInvalidArgument,
                        "bind address \"" + bindAddress + "\" has a bad port");
  }
  if (host.empty()) host = "0.0.0.0";
  return "http://" + host + ":" + port;
}

HealthServer::HealthServer(HealthServerOptions options) : options_(std::move(options)) {}

HealthServer::~HealthServer() {
  stop();
}

void HealthServer::addReadinessCheck(const std::string& name, Check check) {
  std::lock_guard<std::mutex> lock(mu_);
  readiness_.emplace_back(name, std::move(check));
}

void HealthServer::addHealthCheck(const std::string& name, Check check) {
  std::lock_guard<std::mutex> lock(mu_);
  health_.emplace_back(name, std::move(check));
}

namespace {
HealthServer::Response runChecks(const std::vector<std::pair<std::string, Check>>& checks) {
  std::string failed;
  for (const auto& [name, check] : checks) {
    bool ok = false;
    try {
      ok = check();
    } catch (...) {
      ok = false;
    }
    if (!ok) failed += "[-]" + name + " failed\n";
  }
  if (!failed.empty()) return {500, "text/plain; charset=utf-8", failed};
  return {200, "text/plain; charset=utf-8", "ok"};
}
}  // namespace

HealthServer::Response HealthServer::handle(const std::string& path, bool serveMetrics,
                                            bool serveProbes) const {
  if (serveMetrics && path == "/metrics") {
    const Registry& registry = options_.registry ? *options_.registry : Registry::global();
    return {200, "text/plain; version=0.0.4; charset=utf-8", registry.render()};
  }
  if (serveProbes && (path == "/healthz" || path == "/readyz")) {
    std::lock_guard<std::mutex> lock(mu_);
    return runChecks(path == "/healthz" ? health_ : readiness_);
  }
  return {404, "text/plain; charset=utf-8", "404 page not found\n"};
}

kube::Status HealthServer::start() {
  auto metricsUri = listenUriFor(options_.metricsBindAddress);
  if (!metricsUri.isOk()) return metricsUri.status();
  auto probeUri = listenUriFor(options_.healthProbeBindAddress);
  if (!probeUri.isOk()) return probeUri.status();

  struct Plan {
    std::string uri;
    bool metrics;
    bool probes;
  };
  std::vector<Plan> plans;
  if (!metricsUri->empty() && *metricsUri == *probeUri) {
    plans.push_back({*metricsUri, true, true});
  } else {
    if (!metricsUri->empty()) plans.push_back({*metricsUri, true, false});
    if (!probeUri->empty()) plans.push_back({*probeUri, false, true});
  }
  for (const Plan& plan : plans) {
    auto l = std::make_unique<Listener>();
    l->uri = plan.uri;
    try {
      l->listener = std::make_unique<http_listener>(web::uri(plan.uri));
      bool metrics = plan.metrics, probes = plan.probes;
      l->listener->support([this, metrics, probes](web::http::http_request req) {
        if (req.method() != web::http::methods::GET && req.method() != web::http::methods::HEAD) {
          req.reply(web::http::status_codes::MethodNotAllowed);
          return;
        }
        Response r = handle(req.relative_uri().path(), metrics, probes);
        req.reply(r.code, r.body, r.contentType);
      });
      l->listener->open().wait();
    } catch (const std::exception& e) {
      stop();
      return kube::Status(kube::Code::kUnavailable, "listening on " + plan.uri + ": " + e.what());
    }
    logging::info("serving",
                  {{"address", plan.uri}, {"metrics", plan.metrics}, {"probes", plan.probes}});
    std::lock_guard<std::mutex> lock(mu_);
    listeners_.push_back(std::move(l));
  }
  return kube::Status::ok();
}

void HealthServer::stop() {
  std::vector<std::unique_ptr<Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    listeners.swap(listeners_);
  }
  for (auto& l : listeners) {
    try {
      l->listener->close().wait();
    } catch (const std::exception& e) {
      logging::warn("closing listener failed", {{"address", l->uri}, {"error", e.what()}});
    }
  }
}

}  // namespace ctrl::manager
