#pragma once
// The controller loop (controller-runtime's internal controller): N workers
// take keys from the work queue, call the reconciler and map its Result to
// queue calls. The reconciler never sees the queue.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/queue/reconciler.h"
#include "controller/queue/work_queue.h"

namespace ctrl::queue {

struct ReconcileObservation {
  const std::string& controller;
  const std::string& key;
  Result::Kind kind;  // an exception from reconcile() counts as kError
  std::chrono::duration<double> duration;
};

struct ControllerOptions {
  int workers = 2;
  RateLimiterOptions rateLimiter;
  ClockPtr clock;  // null: real time
  // Called after every reconcile, from the worker thread (metrics).
  std::function<void(const ReconcileObservation&)> onReconcile;
  WorkQueueMetrics queueMetrics;
};

const char* resultKindName(
    Result::Kind kind);  // "done", "requeue_after", "error", "terminal_error"

class Controller {
 public:
  Controller(std::string name, Reconciler& reconciler, ControllerOptions opts = {});
  ~Controller();  // stop(0); waits for in-flight reconciles to return
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void enqueue(const std::string& key) { queue_.add(key); }
  void enqueueAfter(const std::string& key, std::chrono::milliseconds d) {
    queue_.addAfter(key, d);
  }

  void start();  // spawns the workers; idempotent
  // Stops taking work and waits up to `grace` for in-flight reconciles; true
  // when they all finished (the workers are then joined).
  bool stop(std::chrono::milliseconds grace);

  const std::string& name() const { return name_; }
  WorkQueue& queue() { return queue_; }
  const WorkQueue& queue() const { return queue_; }

 private:
  void worker();
  void processOne(const std::string& key);

  const std::string name_;
  Reconciler& reconciler_;
  ControllerOptions opts_;
  ClockPtr clock_;
  WorkQueue queue_;
  std::mutex lifecycle_mu_;  // start/stop/destructor may race (manager and owner)
  std::vector<std::thread> workers_;
  bool started_ = false;
};

}  // namespace ctrl::queue
