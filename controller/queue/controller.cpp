#include "controller/queue/controller.h"

#include <exception>

#include "controller/logging/logger.h"

namespace ctrl::queue {

const char* resultKindName(Result::Kind kind) {
  switch (kind) {
    case Result::Kind::kDone:
      return "done";
    case Result::Kind::kRequeueAfter:
      return "requeue_after";
    case Result::Kind::kError:
      return "error";
    case Result::Kind::kTerminalError:
      return "terminal_error";
  }
  return "unknown";
}

Controller::Controller(std::string name, Reconciler& reconciler, ControllerOptions opts)
    : name_(std::move(name)),
      reconciler_(reconciler),
      opts_(std::move(opts)),
      clock_(opts_.clock ? opts_.clock : std::make_shared<RealClock>()),
      queue_(name_, clock_, opts_.rateLimiter, opts_.queueMetrics) {}

Controller::~Controller() {
  stop(std::chrono::milliseconds(0));
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void Controller::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_ || queue_.shuttingDown()) return;
  started_ = true;
  int n = opts_.workers > 0 ? opts_.workers : 1;
  logging::info("starting controller", {{"controller", name_}, {"workers", n}});
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker(); });
}

bool Controller::stop(std::chrono::milliseconds grace) {
  bool drained = queue_.shutDownWithDrain(grace);
  if (!drained) {
    logging::warn("controller stopped with reconciles still running",
                  {{"controller", name_}, {"in_flight", queue_.stats().processing}});
    return false;
  }
  // Workers leave their loop once get() returns nullopt; none is mid-reconcile.
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  return true;
}

void Controller::worker() {
  while (auto key = queue_.get()) {
    processOne(*key);
    queue_.done(*key);
  }
}

void Controller::processOne(const std::string& key) {
  const auto start = clock_->now();
  Result result;
  try {
    result = reconciler_.reconcile(Request::fromKey(key));
  } catch (const std::exception& e) {
    result = Result::error(std::string("reconcile threw: ") + e.what());
  } catch (...) {
    result = Result::error("reconcile threw a non-standard exception");
  }
  const std::chrono::duration<double> took = clock_->now() - start;

  switch (result.kind) {
    case Result::Kind::kDone:
      queue_.forget(key);
      break;
    case Result::Kind::kRequeueAfter:
      queue_.forget(key);
      queue_.addAfter(key, result.after);
      break;
    case Result::Kind::kError:
      logging::warn("reconcile failed, retrying with backoff",
                    {{"controller", name_},
                     {"object", key},
                     {"error", result.message},
                     {"retries", queue_.numRequeues(key)}});
      queue_.addRateLimited(key);
      break;
    case Result::Kind::kTerminalError:
      // Not retried: the object has to change (which enqueues it) first.
      logging::error("reconcile failed permanently",
                     {{"controller", name_}, {"object", key}, {"error", result.message}});
      queue_.forget(key);
      break;
  }
  if (opts_.onReconcile) opts_.onReconcile(ReconcileObservation{name_, key, result.kind, took});
}

}  // namespace ctrl::queue
