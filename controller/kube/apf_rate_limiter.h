#pragma once
// Client-side throttling that follows the API server's Priority and Fairness
// (APF) instead of holding a fixed rate (issue 12).
//
// A fixed token bucket (client-go's default, 20/s here) was the operator's
// whole convergence time at scale while the API server sat idle. With APF on
// the server (every supported Kubernetes; it marks each response with the
// X-Kubernetes-PF-PriorityLevel-UID header), the server queues and sheds
// load fairly itself, so once a response shows APF the fixed limit is
// lifted, as kubectl does. What is kept is the one signal APF sends when its
// queues for our priority level are full, 429: the rate drops to half of
// what was being sent in the second before, then grows by a quarter per
// second without a 429 until no limit is needed again (additive decrease is
// too slow for a server that is already rejecting; this is TCP's AIMD with
// a multiplicative recovery, bounded below by minQps).
//
// Until a response has shown APF (or with followApf false), it is the fixed
// token bucket: a server without APF gets what it got before.

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>

#include "controller/clock/clock.h"
#include "controller/kube/rate_limiter.h"

namespace ctrl::kube {

struct ApfRateLimiterOptions {
  double qps = 20;  // the fixed limit before APF is seen (<= 0: none)
  int burst = 30;
  bool followApf = true;
  double minQps = 5;        // never below this after a 429
  double maxQps = 0;        // a ceiling even under APF; 0: none
  double liftAbove = 1000;  // recovering past this rate lifts the limit
  // Called with the new limit (0: none) each time it changes (a gauge).
  std::function<void(double qps)> onLimitChange;
};

class ApfRateLimiter {
 public:
  explicit ApfRateLimiter(ApfRateLimiterOptions options,
                          ClockPtr clock = std::make_shared<RealClock>());

  // Blocks until the request may go.
  void accept();
  // Every response: its code and whether it carried APF's headers.
  void observe(int code, bool apfHeaders);

  // The limit in force: 0 when none.
  double currentQps() const;
  bool apfSeen() const;

 private:
  void setLimitLocked(double qps);
  double sentLastSecondLocked(std::chrono::steady_clock::time_point now);

  ApfRateLimiterOptions options_;
  ClockPtr clock_;
  mutable std::mutex mu_;
  bool apf_ = false;
  double limit_;  // 0: none
  TokenBucketRateLimiter bucket_;
  std::chrono::steady_clock::time_point lastChange_{};
  bool decreased_ = false;
  std::chrono::steady_clock::time_point lastDecrease_{};
  std::deque<std::chrono::steady_clock::time_point> sent_;  // the last second's requests
};

}  // namespace ctrl::kube
