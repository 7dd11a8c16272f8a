#include "controller/queue/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace ctrl::queue {

using std::chrono::milliseconds;

ItemExponentialLimiter::ItemExponentialLimiter(milliseconds base, milliseconds max)
    : base_(base), max_(max) {}

milliseconds ItemExponentialLimiter::when(const std::string& key) {
  int failures;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failures = failures_[key]++;
  }
  // Computed in double so 2^failures cannot overflow before the cap applies.
  double delay = static_cast<double>(base_.count()) * std::pow(2.0, std::min(failures, 62));
  if (delay >= static_cast<double>(max_.count())) return max_;
  return milliseconds(static_cast<int64_t>(delay));
}

void ItemExponentialLimiter::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int ItemExponentialLimiter::numRequeues(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

RateLimiter::RateLimiter(RateLimiterOptions opts, ClockPtr clock)
    : item_(opts.baseDelay, opts.maxDelay),
      bucket_(opts.qps, opts.burst, clock ? std::move(clock) : std::make_shared<RealClock>()) {}

milliseconds RateLimiter::when(const std::string& key) {
  auto bucket = std::chrono::ceil<milliseconds>(bucket_.reserve());
  return std::max(item_.when(key), bucket);
}

}  // namespace ctrl::queue
