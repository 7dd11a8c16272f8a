#pragma once
// Waits for a condition with a generous deadline, polling; never a fixed
// sleep standing in for an assertion.

#include <chrono>
#include <functional>
#include <thread>

namespace testsupport {

// `interval`: how long to rest between checks; raise it when a check is
// expensive (e.g. runs kubectl).
inline bool eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds deadline = std::chrono::seconds(30),
                       std::chrono::milliseconds interval = std::chrono::milliseconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(interval);
  }
  return true;
}

}  // namespace testsupport
