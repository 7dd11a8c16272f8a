#include "controller/kube/apf_rate_limiter.h"

#include <algorithm>
#include <thread>

namespace ctrl::kube {

namespace {
constexpr std::chrono::seconds kStep{1};
int burstFor(double qps) {
  return std::max(1, static_cast<int>(qps / 2));
}
}  // namespace

ApfRateLimiter::ApfRateLimiter(ApfRateLimiterOptions options, ClockPtr clock)
    : options_(options),
      clock_(std::move(clock)),
      limit_(options.qps > 0 ? options.qps : 0),
      bucket_(options.qps, options.burst, clock_) {}

void ApfRateLimiter::setLimitLocked(double qps) {
  limit_ = qps;
  bucket_.setRate(qps, qps > 0 ? burstFor(qps) : 1);
  if (options_.onLimitChange) options_.onLimitChange(qps);
}

double ApfRateLimiter::sentLastSecondLocked(std::chrono::steady_clock::time_point now) {
  while (!sent_.empty() && now - sent_.front() > kStep) sent_.pop_front();
  return static_cast<double>(sent_.size());
}

void ApfRateLimiter::accept() {
  std::chrono::nanoseconds wait{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = clock_->now();
    sent_.push_back(now);
    sentLastSecondLocked(now);
    // Recovery after a 429: a quarter more each second without another.
    if (apf_ && limit_ > 0 && now - lastChange_ >= kStep) {
      double next = std::max(limit_ * 1.25, limit_ + 1);
      if (options_.maxQps > 0) {
        next = std::min(next, options_.maxQps);
      } else if (next > options_.liftAbove) {
        next = 0;
      }
      if (next != limit_) {
        setLimitLocked(next);
        lastChange_ = now;
      }
    }
    wait = bucket_.reserve();
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

void ApfRateLimiter::observe(int code, bool apfHeaders) {
  if (!options_.followApf) return;
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_->now();
  if (apfHeaders && !apf_) {
    apf_ = true;
    lastChange_ = now;
    setLimitLocked(options_.maxQps > 0 ? options_.maxQps : 0);
  }
  if (code != 429 || !apf_) return;
  // One decrease per step: the 429s of one overload arrive together.
  if (decreased_ && now - lastDecrease_ < kStep && limit_ > 0) return;
  const double sent = sentLastSecondLocked(now);
  const double base = limit_ > 0 ? std::min(limit_, std::max(sent, 1.0)) : std::max(sent, 1.0);
  setLimitLocked(std::max(options_.minQps, base / 2));
  lastChange_ = now;
  lastDecrease_ = now;
  decreased_ = true;
}

double ApfRateLimiter::currentQps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return limit_;
}

bool ApfRateLimiter::apfSeen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return apf_;
}

}  // namespace ctrl::kube
