#include "controller/kube/cpprest_kube_client.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include "controller/clock/stop_signal.h"
#include "controller/kube/apf_rate_limiter.h"
#include "controller/kube/api_error.h"
#include "controller/kube/cpprest_watch_stream.h"
#include "controller/kube/request_encoding.h"
#include "controller/kube/shared_default_verify_paths.h"
#include "controller/kube/tls_context.h"
#include "controller/kube/token_source.h"

namespace ctrl::kube {

namespace http = web::http;
namespace client = web::http::client;

namespace {

constexpr std::chrono::seconds kMaxRetryAfter{60};
// kube-apiserver's default watch timeout is min-request-timeout (1800s) times [1, 2).
constexpr int kServerMaxWatchSeconds = 3600;

// One HTTP exchange's outcome. transport is set when no (complete) response arrived.
struct Exchange {
  Status transport;
  bool responded = false;
  int code = 0;
  std::string body;
  std::string retryAfter;
};

Status transportStatus(const std::string& what, const http::http_exception& e) {
  if (e.error_code() == std::errc::timed_out || e.error_code() == std::errc::operation_canceled) {
    // cpprest reports its own request timeout as timed_out (asio) / operation_canceled.
    return Status(Code::kTimeout, what + ": " + e.what());
  }
  return Status(Code::kUnavailable, what + ": " + e.what());
}

std::string objectName(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  return md->value("name", "");
}

std::string objectNamespace(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  return md->value("namespace", "");
}

}  // namespace

// Set by the API server's Priority and Fairness filter on the responses it handled.
const char* const kApfPriorityLevelHeader = "X-Kubernetes-PF-PriorityLevel-UID";

struct CpprestKubeClient::Impl {
  ClientConfig config;
  KubeClientOptions options;
  std::unique_ptr<client::http_client> http;
  TokenSource tokens;
  ApfRateLimiter limiter;
  // shutdown(): cancels every request made with its token and ends retry sleeps.
  pplx::cancellation_token_source shutdownCts;
  StopSignal stopped;

  Impl(ClientConfig cfg, KubeClientOptions opts)
      : config(std::move(cfg)),
        options(std::move(opts)),
        tokens(config.bearerToken, config.tokenFile, options.clock),
        limiter(ApfRateLimiterOptions{options.qps, options.burst, options.followApf, options.minQps,
                                      options.maxQps, options.liftAbove, options.onRateLimitChange},
                options.clock) {}

  client::http_client_config httpConfig(std::chrono::seconds timeout) const {
    client::http_client_config c;
    c.set_timeout(timeout);
    c.set_validate_certificates(!config.insecureSkipTlsVerify);
    // The callback runs per connection; it keeps its own copy of the TLS material only.
    ClientConfig tls;
    tls.caData = config.caData;
    tls.clientCertData = config.clientCertData;
    tls.clientKeyData = config.clientKeyData;
    c.set_ssl_context_callback(
        [tls](boost::asio::ssl::context& ctx) { configureSslContext(ctx.native_handle(), tls); });
    return c;
  }

  void report(const std::string& verb, int code) const {
    if (options.onRequest) options.onRequest(verb, code);
  }

  StatusOr<http::http_request> buildRequest(const http::method& method,
                                            const std::string& pathAndQuery,
                                            const std::string* body,
                                            const std::string& contentType) {
    auto token = tokens.token();
    if (!token.isOk()) return token.status();
    http::http_request req(method);
    req.set_request_uri(web::uri(utility::conversions::to_string_t(pathAndQuery)));
    req.headers().add("Accept", "application/json");
    req.headers().add("User-Agent", options.userAgent);
    if (!token.value().empty()) req.headers().add("Authorization", "Bearer " + token.value());
    if (body != nullptr) req.set_body(*body, contentType);
    return req;
  }

  Exchange sendOnce(const std::string& verb, const http::method& method,
                    const std::string& pathAndQuery, const std::string* body,
                    const std::string& contentType) {
    Exchange ex;
    const std::string what = verb + " " + pathAndQuery;
    if (stopped.stopRequested()) {
      ex.transport = Status(Code::kCancelled, what + ": client shut down");
      return ex;
    }
    limiter.accept();
    auto req = buildRequest(method, pathAndQuery, body, contentType);
    if (!req.isOk()) {
      ex.transport = req.status();
      return ex;
    }
    try {
      http::http_response resp = http->request(req.value(), shutdownCts.get_token()).get();
      ex.code = resp.status_code();
      ex.responded = true;
      if (resp.headers().has("Retry-After")) ex.retryAfter = resp.headers()["Retry-After"];
      limiter.observe(ex.code, resp.headers().has(kApfPriorityLevelHeader));
      ex.body = resp.extract_utf8string(true).get();
    } catch (const http::http_exception& e) {
      ex.transport = transportStatus(what, e);
    } catch (const pplx::task_canceled&) {
      ex.transport = Status(Code::kCancelled, what + ": cancelled");
    } catch (const std::exception& e) {
      ex.transport = Status(Code::kUnavailable, what + ": " + e.what());
    }
    // cpprest reports a cancelled request like its own timeout.
    if (!ex.transport.isOk() && stopped.stopRequested()) {
      ex.transport = Status(Code::kCancelled, what + ": client shut down");
    }
    report(verb, ex.transport.isOk() ? ex.code : 0);
    return ex;
  }

  // Sends with retries. Returns the body of a 2xx response.
  StatusOr<std::string> execute(const std::string& verb, const http::method& method,
                                const std::string& pathAndQuery, const std::string* body = nullptr,
                                const std::string& contentType = "application/json") {
    const bool idempotent = (verb == "GET" || verb == "LIST");
    Backoff backoff(options.retryBackoff);
    bool refreshedToken = false;
    for (int attempt = 0;; ++attempt) {
      Exchange ex = sendOnce(verb, method, pathAndQuery, body, contentType);
      Status err;
      bool beforeResponse = false;
      if (!ex.transport.isOk()) {
        err = ex.transport;
        beforeResponse = !ex.responded;
        if (err.code() == Code::kCancelled || err.code() == Code::kInvalidArgument) return err;
      } else if (ex.code >= 200 && ex.code < 300) {
        return std::move(ex.body);
      } else {
        err = statusFromResponse(ex.code, ex.body, ex.retryAfter);
      }
      if (err.code() == Code::kUnauthorized && tokens.fromFile() && !refreshedToken) {
        // A rotated ServiceAccount token: re-read the file once and try again.
        tokens.invalidate();
        refreshedToken = true;
        continue;
      }
      bool retry = idempotent ? isRetryable(err)
                              : (err.code() == Code::kTooManyRequests ||
                                 (err.code() == Code::kUnavailable && beforeResponse));
      if (!retry || attempt >= options.maxRetries) return err;
      auto delay = backoff.next();
      if (auto ra = err.retryAfter()) {
        delay = std::max<std::chrono::milliseconds>(delay, std::min(*ra, kMaxRetryAfter));
      }
      if (stopped.waitFor(delay))
        return Status(Code::kCancelled, verb + " " + pathAndQuery + ": client shut down");
    }
  }

  StatusOr<json> executeJson(const std::string& verb, const http::method& method,
                             const std::string& pathAndQuery, const std::string* body = nullptr,
                             const std::string& contentType = "application/json") {
    auto raw = execute(verb, method, pathAndQuery, body, contentType);
    if (!raw.isOk()) return raw.status();
    json parsed = json::parse(raw.value(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      return Status(Code::kInternal, verb + " " + pathAndQuery + ": response is not JSON");
    }
    return parsed;
  }
};

StatusOr<std::shared_ptr<CpprestKubeClient>> CpprestKubeClient::create(const ClientConfig& config,
                                                                       KubeClientOptions options) {
  if (config.server.empty()) return Status(Code::kInvalidArgument, "client config has no server");
  if (Status s = validateTlsMaterial(config); !s.isOk()) return s;
  preloadSharedDefaultVerifyPaths();
  if (!options.clock) options.clock = std::make_shared<RealClock>();
  auto impl = std::make_unique<Impl>(config, std::move(options));
  try {
    impl->http = std::make_unique<client::http_client>(
        web::uri(utility::conversions::to_string_t(config.server)),
        impl->httpConfig(impl->options.requestTimeout));
  } catch (const std::exception& e) {
    return Status(Code::kInvalidArgument, "bad server URL \"" + config.server + "\": " + e.what());
  }
  return std::shared_ptr<CpprestKubeClient>(new CpprestKubeClient(std::move(impl)));
}

CpprestKubeClient::CpprestKubeClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CpprestKubeClient::~CpprestKubeClient() = default;

double CpprestKubeClient::rateLimitQps() const {
  return impl_->limiter.currentQps();
}

void CpprestKubeClient::shutdown() {
  impl_->stopped.requestStop();
  impl_->shutdownCts.cancel();
}

StatusOr<json> CpprestKubeClient::get(const Resource& r, const std::string& ns,
                                      const std::string& name, const std::string& subresource) {
  std::string path = r.objectPath(ns, name);
  if (!subresource.empty()) path += "/" + subresource;
  return impl_->executeJson("GET", http::methods::GET, path);
}

StatusOr<json> CpprestKubeClient::list(const Resource& r, const std::string& ns,
                                       const ListOptions& opts) {
  return impl_->executeJson("LIST", http::methods::GET, r.collectionPath(ns) + listQuery(opts));
}

StatusOr<json> CpprestKubeClient::create(const Resource& r, const std::string& ns, const json& obj,
                                         const std::string& fieldManager) {
  std::string targetNs = ns.empty() ? objectNamespace(obj) : ns;
  std::string body = encodeBody(obj);
  std::string path =
      r.collectionPath(targetNs) + QueryString().addIfSet("fieldManager", fieldManager).str();
  return impl_->executeJson("POST", http::methods::POST, path, &body);
}

StatusOr<json> CpprestKubeClient::update(const Resource& r, const std::string& ns, const json& obj,
                                         const UpdateOptions& opts) {
  std::string name = objectName(obj);
  if (name.empty()) {
    return Status(Code::kInvalidArgument, "update of a " + r.kind + " without metadata.name");
  }
  std::string targetNs = ns.empty() ? objectNamespace(obj) : ns;
  std::string path = r.objectPath(targetNs, name);
  if (!opts.subresource.empty()) path += "/" + opts.subresource;
  path += QueryString().addIfSet("fieldManager", opts.fieldManager).str();
  std::string body = encodeBody(obj);
  return impl_->executeJson("PUT", http::methods::PUT, path, &body);
}

StatusOr<json> CpprestKubeClient::patch(const Resource& r, const std::string& ns,
                                        const std::string& name, PatchType type, const json& body,
                                        const PatchOptions& opts) {
  if (type == PatchType::kApply && opts.fieldManager.empty()) {
    return Status(Code::kInvalidArgument, "server-side apply of " + r.qualifiedName() + " \"" +
                                              name + "\" needs a fieldManager");
  }
  std::string path = r.objectPath(ns, name);
  if (!opts.subresource.empty()) path += "/" + opts.subresource;
  path += patchQuery(type, opts);
  std::string text = encodeBody(body);  // JSON is valid YAML, so apply-patch+yaml accepts it
  return impl_->executeJson("PATCH", http::methods::PATCH, path, &text, patchContentType(type));
}

Status CpprestKubeClient::remove(const Resource& r, const std::string& ns, const std::string& name,
                                 const DeleteOptions& opts) {
  std::string body = encodeBody(deleteOptionsBody(opts));
  auto res = impl_->execute("DELETE", http::methods::DEL, r.objectPath(ns, name), &body);
  return res.isOk() ? Status::ok() : res.status();
}

StatusOr<std::string> CpprestKubeClient::podLogs(const std::string& ns, const std::string& pod,
                                                 const LogOptions& opts) {
  return impl_->execute("GET", http::methods::GET,
                        resources::kPods.objectPath(ns, pod) + "/log" + logQuery(opts));
}

StatusOr<WatchStreamPtr> CpprestKubeClient::watch(const Resource& r, const std::string& ns,
                                                  const WatchOptions& opts) {
  const std::string path = r.collectionPath(ns) + watchQuery(opts);
  const std::string what = "WATCH " + path;
  // The server ends the watch after timeoutSeconds, so silence beyond that plus a grace means a
  // dead connection. Without timeoutSeconds the server picks up to an hour.
  const auto serverTimeout =
      std::chrono::seconds(opts.timeoutSeconds > 0 ? opts.timeoutSeconds : kServerMaxWatchSeconds);
  auto readTimeout = serverTimeout + impl_->options.watchReadGrace;
  if (opts.allowWatchBookmarks && impl_->options.watchBookmarkSilence.count() > 0) {
    readTimeout = std::min(readTimeout, impl_->options.watchBookmarkSilence);
  }

  auto req = impl_->buildRequest(http::methods::GET, path, nullptr, "");
  if (!req.isOk()) return req.status();
  impl_->limiter.accept();

  std::unique_ptr<client::http_client> http;
  try {
    // Its own client: cpprest's timeout is per client and this one must outlast the watch.
    // A margin past our own read deadline, so a silent stream is reported as kTimeout by the
    // stream rather than as a broken connection by cpprest's timer.
    http = std::make_unique<client::http_client>(
        web::uri(utility::conversions::to_string_t(impl_->config.server)),
        impl_->httpConfig(readTimeout + std::chrono::seconds(10)));
  } catch (const std::exception& e) {
    return Status(Code::kInvalidArgument, what + ": " + e.what());
  }

  if (impl_->stopped.stopRequested()) return Status(Code::kCancelled, what + ": client shut down");
  // Linked: shutdown() cancels the wait for headers and the stream's reads too.
  pplx::cancellation_token shutdownToken = impl_->shutdownCts.get_token();
  auto cts = pplx::cancellation_token_source::create_linked_source(shutdownToken);
  http::http_response resp;
  try {
    auto task = http->request(req.value(), cts.get_token());
    // Headers arrive at once for a healthy watch; bound the wait by the request timeout.
    auto shared = std::make_shared<std::pair<std::mutex, std::condition_variable>>();
    auto done = std::make_shared<bool>(false);
    task.then([shared, done](pplx::task<http::http_response> t) {
      // Observe the outcome here too: pplx terminates the process on an exception nobody
      // observed, and after a connect timeout the caller no longer will.
      try {
        t.get();
      } catch (...) {
      }
      {
        std::lock_guard<std::mutex> lock(shared->first);
        *done = true;
      }
      shared->second.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(shared->first);
      if (!shared->second.wait_for(lock, impl_->options.requestTimeout, [&] { return *done; })) {
        cts.cancel();
        impl_->report("WATCH", 0);
        return Status(Code::kTimeout, what + ": no response headers within " +
                                          std::to_string(impl_->options.requestTimeout.count()) +
                                          "s");
      }
    }
    resp = task.get();
  } catch (const http::http_exception& e) {
    impl_->report("WATCH", 0);
    if (impl_->stopped.stopRequested())
      return Status(Code::kCancelled, what + ": client shut down");
    return transportStatus(what, e);
  } catch (const pplx::task_canceled&) {
    impl_->report("WATCH", 0);
    return Status(Code::kCancelled, what + ": cancelled");
  } catch (const std::exception& e) {
    impl_->report("WATCH", 0);
    return Status(Code::kUnavailable, what + ": " + e.what());
  }

  int code = resp.status_code();
  impl_->report("WATCH", code);
  if (code != 200) {
    std::string body;
    std::string retryAfter;
    try {
      if (resp.headers().has("Retry-After")) retryAfter = resp.headers()["Retry-After"];
      body = resp.extract_utf8string(true).get();
    } catch (const std::exception&) {
      // The code alone still classifies the failure.
    }
    if (code == 401) impl_->tokens.invalidate();
    return statusFromResponse(code, body, retryAfter);
  }
  return WatchStreamPtr(std::make_unique<CpprestWatchStream>(
      std::move(http), std::move(cts), std::move(resp),
      std::chrono::duration_cast<std::chrono::milliseconds>(readTimeout), what));
}

}  // namespace ctrl::kube
