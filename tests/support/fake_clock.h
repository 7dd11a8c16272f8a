#pragma once
// A simulated clock: time moves only when the test advances it.

#include <atomic>
#include <chrono>

#include "controller/clock/clock.h"

namespace testsupport {

class FakeClock : public ctrl::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns_.load()));
  }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(kWallEpochNs + ns_.load())));
  }
  void advance(std::chrono::nanoseconds d) { ns_ += d.count(); }

 private:
  static constexpr int64_t kWallEpochNs = 1'700'000'000'000'000'000;  // 2023-11-14
  std::atomic<int64_t> ns_{1'000'000'000'000};
};

}  // namespace testsupport
