#pragma once
// The real KubeClient: HTTPS to the API server through cpprestsdk, with
// client-side rate limiting, retries with backoff, and streaming watches.
// cpprest stays out of this header (pimpl) to keep includes light.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "controller/clock/clock.h"
#include "controller/kube/backoff.h"
#include "controller/kube/kube_client.h"
#include "controller/kube/kubeconfig.h"

namespace ctrl::kube {

struct KubeClientOptions {
  // The fixed limit (<= 0: none). With followApf, it holds only until a
  // response shows the API server's Priority and Fairness; then the server's
  // 429s set the rate (apf_rate_limiter.h).
  double qps = 20;
  int burst = 30;
  bool followApf = true;
  double minQps = 5;        // followApf: the floor a 429 lowers the rate to
  double maxQps = 0;        // followApf: a ceiling; 0: none
  double liftAbove = 1000;  // followApf: recovery past this lifts the limit
  std::function<void(double qps)> onRateLimitChange;  // the new limit, 0: none
  std::string userAgent = "clusteragent-operator";
  std::chrono::seconds requestTimeout{30};
  // Retries after the first attempt: GET/LIST on any retryable error, writes
  // only on 429 or a connection failure before a response.
  int maxRetries = 5;
  BackoffPolicy retryBackoff{};
  // A watch with no bytes for timeoutSeconds (3600 when unset) + this grace is presumed dead.
  std::chrono::seconds watchReadGrace{30};
  // A watch with allowWatchBookmarks gets a bookmark from the API server's
  // watch cache about every minute even when nothing changes, so silence for
  // this long means a dead (or stalled) connection whatever timeoutSeconds
  // says: it is detected in well under two minutes, not at the watch's end.
  // 0: only timeoutSeconds + grace.
  std::chrono::seconds watchBookmarkSilence{90};
  // Called once per HTTP attempt with the verb (GET, LIST, WATCH, POST, PUT,
  // PATCH, DELETE) and the HTTP code (0 when no response arrived).
  std::function<void(const std::string& verb, int code)> onRequest;
  ClockPtr clock = std::make_shared<RealClock>();
};

class CpprestKubeClient : public KubeClient {
 public:
  // Fails (kInvalidArgument) on an unusable config: bad server URL, PEM that
  // does not parse, a key that does not match its certificate.
  static StatusOr<std::shared_ptr<CpprestKubeClient>> create(const ClientConfig& config,
                                                             KubeClientOptions options = {});
  ~CpprestKubeClient() override;

  StatusOr<json> get(const Resource& r, const std::string& ns, const std::string& name,
                     const std::string& subresource = "") override;
  StatusOr<json> list(const Resource& r, const std::string& ns,
                      const ListOptions& opts = {}) override;
  StatusOr<json> create(const Resource& r, const std::string& ns, const json& obj,
                        const std::string& fieldManager = "") override;
  StatusOr<json> update(const Resource& r, const std::string& ns, const json& obj,
                        const UpdateOptions& opts = {}) override;
  StatusOr<json> patch(const Resource& r, const std::string& ns, const std::string& name,
                       PatchType type, const json& body, const PatchOptions& opts = {}) override;
  Status remove(const Resource& r, const std::string& ns, const std::string& name,
                const DeleteOptions& opts = {}) override;
  StatusOr<WatchStreamPtr> watch(const Resource& r, const std::string& ns,
                                 const WatchOptions& opts = {}) override;
  StatusOr<std::string> podLogs(const std::string& ns, const std::string& pod,
                                const LogOptions& opts = {}) override;
  void shutdown() override;
  // The client-side limit in force (requests/s), 0 when none.
  double rateLimitQps() const;

  struct Impl;

 private:
  explicit CpprestKubeClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctrl::kube
