#include "reconcilers/clusteragent/prober/probe_scheduler.h"

#include <algorithm>

namespace clusteragent::prober {

bool observationChanged(const std::optional<ProbeObservation>& previous,
                        const ProbeObservation& next) {
  if (!previous) return true;
  const ProbeResult& a = previous->result;
  const ProbeResult& b = next.result;
  return a.reason != b.reason || a.message != b.message ||
         a.certificateNotAfter != b.certificateNotAfter;
}

ProbeScheduler::ProbeScheduler(TlsProberPtr prober, ctrl::ClockPtr clock,
                               ProbeSchedulerOptions options, ResultCallback onResult)
    : prober_(std::move(prober)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      on_result_(std::move(onResult)),
      rng_(options_.seed) {}

ProbeScheduler::~ProbeScheduler() {
  stop();
}

void ProbeScheduler::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!workers_.empty() || stopping_) return;
  const size_t n = std::max<size_t>(1, options_.workers);
  for (size_t i = 0; i < n; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void ProbeScheduler::stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& t : workers) t.join();
}

void ProbeScheduler::run(const ctrl::StopSignal& stop) {
  start();
  stop.wait();
  this->stop();
}

void ProbeScheduler::schedule(const std::string& key, const ProbeTarget& target) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.target == target) return;
    Entry& e = entries_[key];
    if (e.inFlightGeneration == 0) idle_.erase({e.due, key});
    e.target = target;
    e.generation = next_generation_++;
    e.due = clock_->now();
    e.latest.reset();
    // A probe of the old target still in flight keeps the entry busy; its
    // result is dropped by generation and the new target runs right after.
    if (e.inFlightGeneration == 0) idle_.insert({e.due, key});
  }
  cv_.notify_one();
}

void ProbeScheduler::remove(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (it->second.inFlightGeneration == 0) idle_.erase({it->second.due, key});
  entries_.erase(it);
}

std::optional<ProbeObservation> ProbeScheduler::latest(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.latest;
}

size_t ProbeScheduler::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

std::chrono::steady_clock::time_point ProbeScheduler::nextDue(
    std::chrono::steady_clock::time_point from) {
  const double j = std::clamp(options_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> dist(1.0 - j, 1.0 + j);
  const auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(options_.interval.count() * dist(rng_)));
  return from + delay;
}

void ProbeScheduler::makeIdleLocked(const std::string& key, Entry& e) {
  e.inFlightGeneration = 0;
  idle_.insert({e.due, key});
}

void ProbeScheduler::workerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const auto now = clock_->now();
    if (idle_.empty() || idle_.begin()->first > now) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(options_.maxIdleWait);
      if (!idle_.empty()) {
        const auto untilDue = std::chrono::duration_cast<std::chrono::milliseconds>(
            idle_.begin()->first - now + std::chrono::milliseconds(1));
        wait = std::min(wait, untilDue);
      }
      cv_.wait_for(lock, wait);
      continue;
    }

    const std::string key = idle_.begin()->second;
    idle_.erase(idle_.begin());
    Entry& picked = entries_.at(key);
    const ProbeTarget target = picked.target;
    const uint64_t generation = picked.generation;
    picked.inFlightGeneration = generation;
    lock.unlock();
    ProbeObservation obs{prober_->probe(target), clock_->wallNow()};
    lock.lock();

    auto it = entries_.find(key);
    // Removed meanwhile, or removed and scheduled anew (that entry is idle already).
    if (it == entries_.end() || it->second.inFlightGeneration != generation) continue;
    if (it->second.generation != generation || stopping_) {
      makeIdleLocked(key, it->second);  // rescheduled meanwhile: the new target is due now
      cv_.notify_one();
      continue;
    }
    const bool changed = observationChanged(it->second.latest, obs);
    it->second.latest = obs;
    it->second.due = nextDue(clock_->now());
    makeIdleLocked(key, it->second);
    lock.unlock();
    if (on_result_) on_result_(key, obs, changed);
    lock.lock();
  }
}

}  // namespace clusteragent::prober
