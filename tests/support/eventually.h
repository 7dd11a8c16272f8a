#pragma once
// Waits for a condition with a generous deadline, polling; never a fixed
// sleep standing in for an assertion.

#include <chrono>
#include <functional>
#include <thread>

namespace testsupport {

inline bool eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace testsupport
