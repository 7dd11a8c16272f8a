#pragma once
// How long a failed key waits before its retry (client-go workqueue's
// default controller rate limiter): the larger of a per-key exponential
// backoff (5 ms, 10 ms, ... up to 1000 s) and an overall token bucket
// (10 qps, burst 100) that caps the retry rate when many keys fail at once.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "controller/clock/clock.h"
#include "controller/kube/rate_limiter.h"

namespace ctrl::queue {

struct RateLimiterOptions {
  std::chrono::milliseconds baseDelay{5};
  std::chrono::milliseconds maxDelay{std::chrono::seconds(1000)};
  double qps = 10;
  int burst = 100;
};

// Per-key exponential: baseDelay * 2^failures, capped at maxDelay.
class ItemExponentialLimiter {
 public:
  ItemExponentialLimiter(std::chrono::milliseconds base, std::chrono::milliseconds max);
  std::chrono::milliseconds when(const std::string& key);
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

 private:
  std::chrono::milliseconds base_, max_;
  mutable std::mutex mu_;
  std::map<std::string, int> failures_;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimiterOptions opts = {}, ClockPtr clock = nullptr);
  std::chrono::milliseconds when(const std::string& key);
  void forget(const std::string& key) { item_.forget(key); }
  int numRequeues(const std::string& key) const { return item_.numRequeues(key); }

 private:
  ItemExponentialLimiter item_;
  kube::TokenBucketRateLimiter bucket_;
};

}  // namespace ctrl::queue
