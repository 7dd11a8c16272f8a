#pragma once
// Jittered exponential backoff. backoffDelay() is the pure formula; Backoff
// carries the attempt count and a random source for callers that retry.

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>

namespace ctrl::kube {

struct BackoffPolicy {
  std::chrono::milliseconds initial{200};
  std::chrono::milliseconds max{10000};
  double multiplier = 2.0;
  // Each delay is drawn from [d * (1 - jitter), d * (1 + jitter)], then capped at max,
  // so retries of many clients don't arrive in lockstep.
  double jitter = 0.2;
};

// The delay before retry number `attempt` (0-based); unitRandom in [0, 1).
std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int attempt, double unitRandom);

class Backoff {
 public:
  using RandomSource = std::function<double()>;  // returns [0, 1)
  explicit Backoff(BackoffPolicy policy, RandomSource random = {});

  // The delay to wait before the next attempt; advances the attempt count.
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  RandomSource random_;
  int attempt_ = 0;
};

}  // namespace ctrl::kube
