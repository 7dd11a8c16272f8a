#include "controller/kube/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace ctrl::kube {

TokenBucketRateLimiter::TokenBucketRateLimiter(double qps, int burst, ClockPtr clock)
    : qps_(qps),
      burst_(std::max(burst, 1)),
      clock_(std::move(clock)),
      tokens_(burst_),
      last_(clock_->now()) {}

void TokenBucketRateLimiter::refillLocked(std::chrono::steady_clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

std::chrono::nanoseconds TokenBucketRateLimiter::reserve() {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  refillLocked(clock_->now());
  tokens_ -= 1.0;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  // Negative tokens are debt: the caller waits until the bucket refills to zero.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucketRateLimiter::tryAccept() {
  if (qps_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  refillLocked(clock_->now());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void TokenBucketRateLimiter::setRate(double qps, int burst) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_->now();
  if (qps_ > 0) refillLocked(now);
  last_ = now;
  qps_ = qps;
  burst_ = std::max(burst, 1);
  // Debt from the old rate is forgiven: it was owed at a rate that no longer holds.
  tokens_ = std::clamp(tokens_, 0.0, burst_);
}

void TokenBucketRateLimiter::accept() {
  auto wait = reserve();
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

}  // namespace ctrl::kube
