#pragma once
// Who may read /metrics: controller-runtime's
// filters.WithAuthenticationAndAuthorization. The request's bearer token is
// checked with a TokenReview (authentication.k8s.io/v1), and the user it
// names with a SubjectAccessReview (authorization.k8s.io/v1) for the
// non-resource URL, verb get — so `nonResourceURLs: ["/metrics"]`, verbs
// `["get"]` in a ClusterRole (manifests/base/metrics_reader_cluster_role.yaml)
// is what a scraper needs.
//
// Decisions are cached briefly (ttl, bounded entries) by a SHA-256 digest of
// the token, so a scrape every few seconds costs two API calls per ttl, and
// no token is kept in memory longer than its request. Tokens are never
// logged; failures of the API calls are not cached.
//
// At most maxConcurrentReviews reviews wait on the API server at once; a
// request beyond that is answered 429 at once. authorize() blocks its caller,
// and the listener calls it on a thread of cpprestsdk's shared pool, the same
// pool that completes the API client's requests: requests with fresh tokens
// arriving together (the connection guard lets 64 through) could otherwise
// occupy every pool thread waiting on reviews that no free thread is left to
// complete, and stall the whole operator.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "controller/clock/clock.h"
#include "controller/kube/kube_client.h"

namespace ctrl::manager {

struct MetricsAuthorizerOptions {
  std::chrono::milliseconds ttl{std::chrono::seconds(10)};
  size_t maxEntries = 1024;
  // Below the pool's thread count (controller/kube/http_thread_pool.h) with room to spare.
  int maxConcurrentReviews = 2;
  ClockPtr clock;  // RealClock when null
};

class MetricsAuthorizer {
 public:
  enum class Verdict {
    kAllowed,          // 200: serve
    kUnauthenticated,  // 401: no bearer token, or the TokenReview rejects it
    kForbidden,        // 403: authenticated, but not allowed the path
    kUnavailable,      // 500: a review could not be made (API server down, RBAC)
    kBusy,             // 429: maxConcurrentReviews reviews are in flight already
  };
  struct Decision {
    Verdict verdict;
    std::string reason;  // for the response body and logs; never holds the token
  };

  // client: a client whose identity may create tokenreviews and
  // subjectaccessreviews (not a fenced one: a follower replica must answer too).
  explicit MetricsAuthorizer(kube::KubeClientPtr client, MetricsAuthorizerOptions options = {});

  // authorization: the request's Authorization header ("" when absent).
  Decision authorize(const std::string& authorization, const std::string& path,
                     const std::string& verb = "get");

  // HTTP status code for a verdict.
  static int httpCode(Verdict verdict);

 private:
  // review() for a caller that counted itself into reviewsInFlight_; counts it out.
  Decision reviewCounted(const std::string& token, const std::string& path,
                         const std::string& verb);
  Decision review(const std::string& token, const std::string& path, const std::string& verb);

  struct Entry {
    Decision decision;
    std::chrono::steady_clock::time_point expires;
  };
  kube::KubeClientPtr client_;
  MetricsAuthorizerOptions options_;
  std::mutex mu_;
  int reviewsInFlight_ = 0;
  std::map<std::string, Entry> cache_;  // digest of (token, path, verb) -> decision
};

}  // namespace ctrl::manager
