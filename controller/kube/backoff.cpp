#include "controller/kube/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ctrl::kube {

std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int attempt,
                                       double unitRandom) {
  const double maxMs = static_cast<double>(policy.max.count());
  double base = static_cast<double>(policy.initial.count()) *
                std::pow(std::max(policy.multiplier, 1.0), std::max(attempt, 0));
  base = std::min(base, maxMs);  // also keeps pow() overflow out of the jitter math
  double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  double r = std::clamp(unitRandom, 0.0, 1.0);
  double d = base * (1.0 - jitter + 2.0 * jitter * r);
  d = std::clamp(d, 0.0, maxMs);
  return std::chrono::milliseconds(static_cast<int64_t>(d));
}

Backoff::Backoff(BackoffPolicy policy, RandomSource random)
    : policy_(policy), random_(std::move(random)) {}

std::chrono::milliseconds Backoff::next() {
  double r;
  if (random_) {
    r = random_();
  } else {
    // One generator per thread, seeded once: every API request makes a
    // Backoff and few ever retry, and seeding one per request (random_device
    // and a 64-bit Mersenne state) showed in the N=1000 profile.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }
  return backoffDelay(policy_, attempt_++, r);
}

}  // namespace ctrl::kube
