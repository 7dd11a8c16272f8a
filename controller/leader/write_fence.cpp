#include "controller/leader/write_fence.h"

#include <limits>

namespace ctrl::leader {

namespace {
constexpr int64_t kClosed = std::numeric_limits<int64_t>::min();
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

int64_t toNanos(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

WriteFence::WriteFence(ClockPtr clock)
    : clock_(clock ? std::move(clock) : std::make_shared<RealClock>()), until_(kClosed) {}

void WriteFence::openUntil(std::chrono::steady_clock::time_point deadline) {
  until_ = toNanos(deadline);
}

void WriteFence::openIndefinitely() {
  until_ = kForever;
}

void WriteFence::close() {
  until_ = kClosed;
}

bool WriteFence::isOpen() const {
  const int64_t until = until_.load();
  if (until == kClosed) return false;
  if (until == kForever) return true;
  return toNanos(clock_->now()) < until;
}

}  // namespace ctrl::leader
