#include "reconcilers/clusteragent/status_write_pacer.h"

namespace clusteragent {

std::optional<std::chrono::milliseconds> StatusWritePacer::deferMinor(
    const std::string& key, std::chrono::system_clock::time_point now) {
  if (interval_.count() <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = last_.find(key);
  if (it == last_.end()) return std::nullopt;
  const auto due = it->second + interval_;
  if (now >= due) return std::nullopt;
  // Rounded up: a requeue a hair early would find it still not due.
  return std::chrono::ceil<std::chrono::milliseconds>(due - now);
}

void StatusWritePacer::wrote(const std::string& key, std::chrono::system_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  last_[key] = now;
}

void StatusWritePacer::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  last_.erase(key);
}

}  // namespace clusteragent
