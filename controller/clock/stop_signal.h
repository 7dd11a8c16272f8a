#pragma once
// C++17 has no std::stop_token: a shared flag runnables poll and wait on,
// so shutdown interrupts sleeps instead of waiting them out.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ctrl {

class StopSignal {
 public:
  void requestStop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }
  bool stopRequested() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }
  // Sleeps for d or until stop is requested; true when stop was requested.
  template <typename Rep, typename Period>
  bool waitFor(std::chrono::duration<Rep, Period> d) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return stopped_; });
  }
  void wait() const {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return stopped_; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace ctrl
