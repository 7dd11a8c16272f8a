#pragma once
// Jittered exponential backoff for reconnect loops (reflector, leader
// elector): each failure doubles the delay up to a cap; jitter spreads
// clients that failed together so they do not retry in lockstep.

#include <chrono>
#include <cstdint>
#include <random>

namespace ctrl::queue {

struct BackoffOptions {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{30000};
  double jitter = 0.2;  // each delay is scaled by a factor in [1 - jitter, 1 + jitter]
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions opts = {}, uint64_t seed = std::random_device{}());
  // The delay to wait before the next attempt; grows with each call.
  std::chrono::milliseconds next();
  // After a healthy period: the next failure waits `initial` again.
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  BackoffOptions opts_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace ctrl::queue
