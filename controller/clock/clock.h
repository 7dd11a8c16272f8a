#pragma once
// The time seam: the queue, rate limiters, reflector, leader elector and
// prober take a Clock so tests can use a simulated one instead of sleeping.

#include <chrono>
#include <memory>

namespace ctrl {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for deadlines and intervals.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Wall time, for timestamps written to the API (lease renewTime, conditions).
  virtual std::chrono::system_clock::time_point wallNow() const = 0;
};
using ClockPtr = std::shared_ptr<Clock>;

class RealClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace ctrl
