#pragma once
// The controller's work queue, with client-go workqueue semantics:
// - a key queued twice is queued once (the dirty set);
// - a key being processed is never handed to a second worker (the
//   processing set); an add meanwhile re-queues it when done() is called;
// - addAfter() holds a key until its time (the delaying queue), and
//   addRateLimited() delays it by the rate limiter's backoff for that key.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/queue/rate_limiter.h"

namespace ctrl::queue {

// Metric hooks; any may be empty. Called without the queue's lock held.
struct WorkQueueMetrics {
  std::function<void(size_t depth)> depth;
  std::function<void()> add;
  std::function<void()> retry;                                      // addRateLimited
  std::function<void(std::chrono::duration<double>)> queueLatency;  // add -> get
  std::function<void(std::chrono::duration<double>)> workDuration;  // get -> done
};

struct WorkQueueStats {
  size_t depth = 0;       // queued, ready keys
  size_t processing = 0;  // keys handed out and not yet done()
  size_t waiting = 0;     // keys held by addAfter
  uint64_t adds = 0;
  uint64_t retries = 0;
};

class WorkQueue {
 public:
  explicit WorkQueue(std::string name, ClockPtr clock = nullptr, RateLimiterOptions rl = {},
                     WorkQueueMetrics metrics = {});
  ~WorkQueue();  // shuts down and joins the delay thread
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void addAfter(const std::string& key, std::chrono::milliseconds delay);
  void addRateLimited(const std::string& key);
  // Clears the key's backoff (after a success or a terminal failure).
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

  // Blocks for the next key; std::nullopt once shut down. The caller must
  // call done(key) when finished with it.
  std::optional<std::string> get();
  void done(const std::string& key);

  // Stops handing out keys: get() returns std::nullopt, adds are ignored.
  void shutDown();
  // shutDown(), then waits up to `timeout` for the keys being processed to
  // be done(); true when none is left.
  bool shutDownWithDrain(std::chrono::milliseconds timeout);
  bool shuttingDown() const;

  size_t len() const;
  WorkQueueStats stats() const;
  const std::string& name() const { return name_; }

  // Moves the addAfter keys whose time has come into the queue. The delay
  // thread calls it; tests with a simulated clock call it after advancing.
  void promoteDue();

 private:
  struct Waiting {
    std::chrono::steady_clock::time_point readyAt;
    uint64_t seq;  // keeps equal deadlines in addAfter order
    std::string key;
    bool operator>(const Waiting& o) const {
      return readyAt != o.readyAt ? readyAt > o.readyAt : seq > o.seq;
    }
  };

  // Returns true when the key was newly queued.
  bool addLocked(const std::string& key);
  void delayLoop();
  void reportDepth(size_t depth) const;

  const std::string name_;
  ClockPtr clock_;
  RateLimiter limiter_;
  WorkQueueMetrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;        // get() waiters
  std::condition_variable drain_cv_;  // shutDownWithDrain waiters
  std::condition_variable delay_cv_;  // the delay thread
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::map<std::string, std::chrono::steady_clock::time_point> added_at_;
  std::map<std::string, std::chrono::steady_clock::time_point> started_at_;
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<Waiting>> waiting_;
  // Earliest deadline per waiting key: a later addAfter of the same key does not postpone it.
  std::map<std::string, std::chrono::steady_clock::time_point> waiting_at_;
  uint64_t seq_ = 0;
  bool shutting_down_ = false;
  uint64_t adds_ = 0;
  uint64_t retries_ = 0;
  std::thread delay_thread_;
};

}  // namespace ctrl::queue
