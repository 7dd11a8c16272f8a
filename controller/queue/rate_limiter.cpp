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

TokenBucketLimiter::TokenBucketLimiter(double qps, int burst, ClockPtr clock)
    : qps_(qps),
      burst_(burst),
      clock_(clock ? std::move(clock) : std::make_shared<RealClock>()),
      tokens_(burst),
      last_(clock_->now()) {}

milliseconds TokenBucketLimiter::reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_->now();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  // Tokens may go negative: each reservation queues behind the previous ones.
  tokens_ -= 1;
  if (tokens_ >= 0 || qps_ <= 0) return milliseconds(0);
  return milliseconds(static_cast<int64_t>(std::ceil(-tokens_ / qps_ * 1000.0)));
}

RateLimiter::RateLimiter(RateLimiterOptions opts, ClockPtr clock)
    : item_(opts.baseDelay, opts.maxDelay), bucket_(opts.qps, opts.burst, std::move(clock)) {}

milliseconds RateLimiter::when(const std::string& key) {
  return std::max(item_.when(key), bucket_.reserve());
}

}  // namespace ctrl::queue
