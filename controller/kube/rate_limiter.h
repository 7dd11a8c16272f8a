#pragma once
// Client-side token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter):
// `burst` requests go at once, then `qps` per second. Keeps a burst of
// reconciles from tripping the API server's priority-and-fairness.

#include <chrono>
#include <mutex>

#include "controller/clock/clock.h"

namespace ctrl::kube {

class TokenBucketRateLimiter {
 public:
  // qps <= 0 disables limiting.
  TokenBucketRateLimiter(double qps, int burst, ClockPtr clock = std::make_shared<RealClock>());

  // Takes a token now (possibly borrowing from the future) and returns how long
  // the caller must wait before using it. Zero when a token was available.
  std::chrono::nanoseconds reserve();
  // Takes a token only if one is available now.
  bool tryAccept();
  // reserve() and sleep for the returned duration.
  void accept();
  // A new rate (qps <= 0: none) and burst, from now on; tokens already
  // earned are kept up to the new burst.
  void setRate(double qps, int burst);

 private:
  void refillLocked(std::chrono::steady_clock::time_point now);

  double qps_;
  double burst_;
  ClockPtr clock_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace ctrl::kube
