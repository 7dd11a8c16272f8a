#include "controller/queue/backoff.h"

#include <algorithm>

namespace ctrl::queue {

Backoff::Backoff(BackoffOptions opts, uint64_t seed) : opts_(opts), rng_(seed) {}

std::chrono::milliseconds Backoff::next() {
  double base = static_cast<double>(opts_.initial.count());
  const double cap = static_cast<double>(opts_.max.count());
  for (int i = 0; i < attempt_ && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  ++attempt_;
  std::uniform_real_distribution<double> dist(1.0 - opts_.jitter, 1.0 + opts_.jitter);
  double jittered = opts_.jitter > 0 ? base * dist(rng_) : base;
  return std::chrono::milliseconds(static_cast<int64_t>(std::min(jittered, cap)));
}

}  // namespace ctrl::queue
