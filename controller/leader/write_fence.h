#pragma once
// Whether this replica may write to the API server right now. While leader
// election is on, a write is allowed only until renewDeadline after the start
// of the last renewal that succeeded: another replica can take the Lease no
// earlier than leaseDuration after it last saw our renewal, and
// renewDeadline < leaseDuration, so a leader cut off from the API server
// stops writing before anyone else can start — however long its own renewal
// attempts hang. Judged on the elector's monotonic Clock, never wall time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "controller/clock/clock.h"

namespace ctrl::leader {

class WriteFence {
 public:
  explicit WriteFence(ClockPtr clock = nullptr);

  // Writes allowed until `deadline` (on this fence's clock).
  void openUntil(std::chrono::steady_clock::time_point deadline);
  // Writes allowed until close() (no leader election).
  void openIndefinitely();
  void close();

  bool isOpen() const;
  const ClockPtr& clock() const { return clock_; }

 private:
  ClockPtr clock_;
  // Nanoseconds on clock_; kClosed: no writes; kForever: no deadline.
  std::atomic<int64_t> until_;
};
using WriteFencePtr = std::shared_ptr<WriteFence>;

}  // namespace ctrl::leader
