#include "controller/queue/work_queue.h"

namespace ctrl::queue {

using std::chrono::steady_clock;

WorkQueue::WorkQueue(std::string name, ClockPtr clock, RateLimiterOptions rl,
                     WorkQueueMetrics metrics)
    : name_(std::move(name)),
      clock_(clock ? std::move(clock) : std::make_shared<RealClock>()),
      limiter_(rl, clock_),
      metrics_(std::move(metrics)) {
  delay_thread_ = std::thread([this] { delayLoop(); });
}

WorkQueue::~WorkQueue() {
  shutDown();
  if (delay_thread_.joinable()) delay_thread_.join();
}

void WorkQueue::reportDepth(size_t depth) const {
  if (metrics_.depth) metrics_.depth(depth);
}

bool WorkQueue::addLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key)) return false;
  ++adds_;
  dirty_.insert(key);
  added_at_.emplace(key, clock_->now());
  // A key being processed goes back in the queue when its worker calls done().
  if (processing_.count(key)) return false;
  queue_.push_back(key);
  return true;
}

void WorkQueue::add(const std::string& key) {
  size_t depth;
  bool queued, counted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t adds_before = adds_;
    queued = addLocked(key);
    counted = adds_ != adds_before;
    depth = queue_.size();
    if (queued) cv_.notify_one();
  }
  if (counted && metrics_.add) metrics_.add();
  if (queued) reportDepth(depth);
}

void WorkQueue::addAfter(const std::string& key, std::chrono::milliseconds delay) {
  if (delay <= std::chrono::milliseconds(0)) {
    add(key);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  auto readyAt = clock_->now() + delay;
  auto it = waiting_at_.find(key);
  if (it != waiting_at_.end() && it->second <= readyAt) return;
  waiting_at_[key] = readyAt;
  waiting_.push(Waiting{readyAt, seq_++, key});
  delay_cv_.notify_one();
}

void WorkQueue::addRateLimited(const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return;
    ++retries_;
  }
  if (metrics_.retry) metrics_.retry();
  addAfter(key, limiter_.when(key));
}

void WorkQueue::forget(const std::string& key) {
  limiter_.forget(key);
}

int WorkQueue::numRequeues(const std::string& key) const {
  return limiter_.numRequeues(key);
}

std::optional<std::string> WorkQueue::get() {
  std::string key;
  std::chrono::duration<double> latency{0};
  size_t depth;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return shutting_down_ || !queue_.empty(); });
    if (shutting_down_) return std::nullopt;
    key = std::move(queue_.front());
    queue_.pop_front();
    dirty_.erase(key);
    processing_.insert(key);
    auto now = clock_->now();
    auto it = added_at_.find(key);
    if (it != added_at_.end()) {
      latency = now - it->second;
      added_at_.erase(it);
    }
    started_at_[key] = now;
    depth = queue_.size();
  }
  if (metrics_.queueLatency) metrics_.queueLatency(latency);
  reportDepth(depth);
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::chrono::duration<double> took{0};
  size_t depth = 0;
  bool requeued = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!processing_.erase(key)) return;
    auto it = started_at_.find(key);
    if (it != started_at_.end()) {
      took = clock_->now() - it->second;
      started_at_.erase(it);
    }
    if (dirty_.count(key) && !shutting_down_) {
      queue_.push_back(key);
      requeued = true;
      depth = queue_.size();
      cv_.notify_one();
    }
    if (processing_.empty()) drain_cv_.notify_all();
  }
  if (metrics_.workDuration) metrics_.workDuration(took);
  if (requeued) reportDepth(depth);
}

void WorkQueue::shutDown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  delay_cv_.notify_all();
  drain_cv_.notify_all();
}

bool WorkQueue::shutDownWithDrain(std::chrono::milliseconds timeout) {
  shutDown();
  std::unique_lock<std::mutex> lock(mu_);
  return drain_cv_.wait_for(lock, timeout, [this] { return processing_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

WorkQueueStats WorkQueue::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return WorkQueueStats{queue_.size(), processing_.size(), waiting_at_.size(), adds_, retries_};
}

void WorkQueue::promoteDue() {
  size_t newly = 0, depth = 0;
  uint64_t counted = 0;
  {
    // Promoted under one lock hold so keys due together keep their order.
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t adds_before = adds_;
    auto now = clock_->now();
    while (!waiting_.empty() && waiting_.top().readyAt <= now) {
      Waiting w = waiting_.top();
      waiting_.pop();
      auto it = waiting_at_.find(w.key);
      // A stale entry: the key was re-added with an earlier deadline and already promoted.
      if (it == waiting_at_.end() || it->second != w.readyAt) continue;
      waiting_at_.erase(it);
      if (addLocked(w.key)) ++newly;
    }
    depth = queue_.size();
    counted = adds_ - adds_before;
    for (size_t i = 0; i < newly; ++i) cv_.notify_one();
  }
  if (metrics_.add) {
    for (uint64_t i = 0; i < counted; ++i) metrics_.add();
  }
  if (newly) reportDepth(depth);
}

void WorkQueue::delayLoop() {
  // Waits in real time for the next deadline read from the (possibly
  // simulated) clock, re-checking at least once a second so a clock that
  // jumps ahead is noticed.
  constexpr auto kMaxWait = std::chrono::seconds(1);
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    if (waiting_.empty()) {
      delay_cv_.wait(lock, [this] { return shutting_down_ || !waiting_.empty(); });
      continue;
    }
    auto until = waiting_.top().readyAt - clock_->now();
    if (until > steady_clock::duration::zero()) {
      delay_cv_.wait_for(lock, std::min<steady_clock::duration>(until, kMaxWait));
      continue;
    }
    lock.unlock();
    promoteDue();
    lock.lock();
  }
}

}  // namespace ctrl::queue
