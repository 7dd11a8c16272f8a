#include "controller/manager/health_server.h"

#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tuple>

#include "controller/logging/logger.h"

namespace ctrl::manager {

using web::http::experimental::listener::http_listener;

struct HealthServer::Listener {
  std::string uri;  // the public address
  bool metrics = false;
  bool probes = false;
  std::unique_ptr<http_listener> listener;  // on 127.0.0.1, behind the guard
  std::unique_ptr<ConnectionGuard> guard;
};

namespace {

// A loopback port free right now: the kernel picks it, we release it for the
// listener (cpprestsdk cannot report the port it bound to 0). A race with
// another process taking it is retried by the caller.
uint16_t pickLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// "http://host:port" (from listenUriFor) -> host, port.
std::pair<std::string, uint16_t> hostAndPort(const std::string& uri) {
  const std::string rest = uri.substr(std::string("http://").size());
  const auto colon = rest.rfind(':');
  return {rest.substr(0, colon), static_cast<uint16_t>(std::stoul(rest.substr(colon + 1)))};
}

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace

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
      port.size() > 5 || std::stoul(port) > 65535) {
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

HealthServer::Response HealthServer::handleAuthorized(const std::string& path,
                                                      const std::string& authorization,
                                                      bool serveMetrics, bool serveProbes,
                                                      bool secure) const {
  if (secure && serveMetrics && path == "/metrics") {
    if (!options_.metricsAuthorizer) return {500, "text/plain; charset=utf-8", "no authorizer\n"};
    auto decision = options_.metricsAuthorizer->authorize(authorization, path);
    if (decision.verdict != MetricsAuthorizer::Verdict::kAllowed) {
      return {MetricsAuthorizer::httpCode(decision.verdict), "text/plain; charset=utf-8",
              decision.reason + "\n"};
    }
  }
  return handle(path, serveMetrics, serveProbes);
}

kube::Status HealthServer::start() {
  auto metricsUri = listenUriFor(options_.metricsBindAddress);
  if (!metricsUri.isOk()) return metricsUri.status();
  auto probeUri = listenUriFor(options_.healthProbeBindAddress);
  if (!probeUri.isOk()) return probeUri.status();
  const bool secure = options_.metricsSecure && !metricsUri->empty();
  // One listener for both, unless each asks the kernel for a port of its own.
  const bool shared =
      !metricsUri->empty() && *metricsUri == *probeUri && hostAndPort(*metricsUri).second != 0;
  if (secure && shared) {
    return kube::Status(kube::Code::kInvalidArgument,
                        "secure metrics need an address of their own: the probes stay plain HTTP");
  }
  if (secure && !options_.metricsAuthorizer) {
    return kube::Status(kube::Code::kInvalidArgument, "secure metrics need an authorizer");
  }
  ServerTlsPtr tls = options_.metricsTls;
  if (secure && !tls) {
    auto made = options_.metricsCertDir.empty()
                    ? ServerTls::selfSigned({"localhost", "127.0.0.1", hostName()})
                    : ServerTls::fromCertDir(options_.metricsCertDir);
    if (!made.isOk()) return made.status();
    tls = *made;
  }

  struct Plan {
    std::string uri;
    bool metrics;
    bool probes;
  };
  std::vector<Plan> plans;
  if (shared) {
    plans.push_back({*metricsUri, true, true});
  } else {
    if (!metricsUri->empty()) plans.push_back({*metricsUri, true, false});
    if (!probeUri->empty()) plans.push_back({*probeUri, false, true});
  }
  // First every public address, so the loopback ports picked below cannot be one of them.
  std::vector<std::unique_ptr<Listener>> bound;
  for (const Plan& plan : plans) {
    auto l = std::make_unique<Listener>();
    l->uri = plan.uri;
    l->metrics = plan.metrics;
    l->probes = plan.probes;
    ConnectionGuardOptions guardOptions = options_.limits;
    std::tie(guardOptions.host, guardOptions.port) = hostAndPort(plan.uri);
    guardOptions.tls = secure && plan.metrics ? tls : nullptr;
    if (Counter* refused = options_.refusedRequests) {
      const std::string name = plan.metrics ? "metrics" : "probes";
      guardOptions.onRefused = [refused, name](const char* reason) {
        refused->inc({{"listener", name}, {"reason", reason}});
      };
    }
    l->guard = std::make_unique<ConnectionGuard>(guardOptions);
    kube::Status listening = l->guard->listen();
    if (!listening.isOk()) return listening;
    bound.push_back(std::move(l));
  }
  for (auto& l : bound) {
    const bool metrics = l->metrics, probes = l->probes;
    const bool tlsHere = secure && metrics;
    auto handler = [this, metrics, probes, tlsHere](web::http::http_request req) {
      if (req.method() != web::http::methods::GET && req.method() != web::http::methods::HEAD) {
        req.reply(web::http::status_codes::MethodNotAllowed);
        return;
      }
      const auto& headers = req.headers();
      auto auth = headers.find(web::http::header_names::authorization);
      Response r =
          handleAuthorized(req.relative_uri().path(), auth == headers.end() ? "" : auth->second,
                           metrics, probes, tlsHere);
      web::http::http_response response(static_cast<web::http::status_code>(r.code));
      response.set_body(r.body, r.contentType);
      if (r.code == 401) response.headers().add("WWW-Authenticate", "Bearer");
      if (r.code == 429) response.headers().add("Retry-After", "1");
      req.reply(response);
    };
    uint16_t backendPort = 0;
    std::string lastError = "no free loopback port";
    for (int attempt = 0; attempt < 5 && !l->listener; ++attempt) {
      backendPort = pickLoopbackPort();
      if (backendPort == 0) continue;
      try {
        auto listener = std::make_unique<http_listener>(
            web::uri("http://127.0.0.1:" + std::to_string(backendPort)));
        listener->support(handler);
        listener->open().wait();
        l->listener = std::move(listener);
      } catch (const std::exception& e) {
        lastError = e.what();
      }
    }
    if (!l->listener) {
      stop();
      return kube::Status(kube::Code::kUnavailable,
                          "listening on 127.0.0.1 for " + l->uri + ": " + lastError);
    }
    l->guard->setBackendPort(backendPort);
    kube::Status guarded = l->guard->start();
    const std::string uri = l->uri;
    const uint16_t port = l->guard->port();
    {
      std::lock_guard<std::mutex> lock(mu_);
      listeners_.push_back(std::move(l));
    }
    if (!guarded.isOk()) {
      stop();
      return guarded;
    }
    logging::info("serving", {{"address", uri},
                              {"port", port},
                              {"metrics", metrics},
                              {"probes", probes},
                              {"tls", tlsHere},
                              {"maxConnections", options_.limits.maxConnections},
                              {"maxHeaderBytes", options_.limits.maxHeadBytes}});
  }
  return kube::Status::ok();
}

uint16_t HealthServer::metricsPort() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& l : listeners_) {
    if (l->metrics) return l->guard->port();
  }
  return 0;
}

uint16_t HealthServer::probePort() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& l : listeners_) {
    if (l->probes) return l->guard->port();
  }
  return 0;
}

void HealthServer::stop() {
  std::vector<std::unique_ptr<Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    listeners.swap(listeners_);
  }
  for (auto& l : listeners) {
    // The public side first: nothing new reaches the listener while it closes.
    if (l->guard) l->guard->stop();
    if (!l->listener) continue;
    try {
      l->listener->close().wait();
    } catch (const std::exception& e) {
      logging::warn("closing listener failed", {{"address", l->uri}, {"error", e.what()}});
    }
  }
}

}  // namespace ctrl::manager
