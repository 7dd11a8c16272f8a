#include "controller/cache/informer.h"

#include <condition_variable>
#include <mutex>

#include "controller/cache/reflector.h"
#include "controller/logging/logger.h"

namespace ctrl::cache {

struct Informer::Impl {
  StopSignal stop;
  std::vector<std::unique_ptr<Reflector>> reflectors;
  std::vector<std::thread> threads;
  std::thread resync;
  // Handlers run one at a time, whichever reflector reports, as client-go's
  // processor delivers to each listener in order.
  std::mutex dispatch_mu;
  mutable std::mutex sync_mu;
  mutable std::condition_variable sync_cv;
  bool started = false;
  bool stopped = false;
};

Informer::Informer(kube::KubeClientPtr client, InformerOptions opts, ClockPtr clock)
    : client_(std::move(client)),
      opts_(std::move(opts)),
      clock_(clock ? std::move(clock) : std::make_shared<RealClock>()),
      impl_(std::make_unique<Impl>()) {}

Informer::~Informer() {
  stop();
}

void Informer::addEventHandlers(EventHandlers h) {
  handlers_.push_back(std::move(h));
}

void Informer::addIndex(const std::string& name, IndexFunc fn) {
  store_.addIndex(name, std::move(fn));
}

void Informer::start() {
  if (impl_->started) return;
  impl_->started = true;

  ReflectorSink sink;
  sink.onAdd = [this](const ObjectPtr& obj) {
    std::lock_guard<std::mutex> lock(impl_->dispatch_mu);
    for (const auto& h : handlers_) {
      if (h.onAdd) h.onAdd(*obj);
    }
  };
  sink.onUpdate = [this](const ObjectPtr& oldObj, const ObjectPtr& newObj) {
    std::lock_guard<std::mutex> lock(impl_->dispatch_mu);
    for (const auto& h : handlers_) {
      if (h.onUpdate) h.onUpdate(*oldObj, *newObj);
    }
  };
  sink.onDelete = [this](const ObjectPtr& obj) {
    std::lock_guard<std::mutex> lock(impl_->dispatch_mu);
    for (const auto& h : handlers_) {
      if (h.onDelete) h.onDelete(*obj);
    }
  };
  sink.onSynced = [this] {
    { std::lock_guard<std::mutex> lock(impl_->sync_mu); }
    impl_->sync_cv.notify_all();
  };
  sink.onRestart = [this](const std::string&) { ++watch_restarts_; };

  std::vector<std::string> namespaces = opts_.namespaces;
  if (namespaces.empty() || !opts_.resource.namespaced) namespaces = {""};
  for (const auto& ns : namespaces) {
    ReflectorOptions ro;
    ro.resource = opts_.resource;
    ro.ns = ns;
    ro.labelSelector = opts_.labelSelector;
    ro.fieldSelector = opts_.fieldSelector;
    ro.pageSize = opts_.pageSize;
    ro.watchTimeout = opts_.watchTimeout;
    ro.transform = opts_.transform;
    impl_->reflectors.push_back(std::make_unique<Reflector>(client_, ro, store_, sink));
  }
  for (auto& r : impl_->reflectors) {
    Reflector* reflector = r.get();
    impl_->threads.emplace_back([this, reflector] { reflector->run(impl_->stop); });
  }
  if (opts_.resyncPeriod.count() > 0) {
    impl_->resync = std::thread([this] {
      // A periodic replay lets reconcilers repair drift the watch cannot
      // show (e.g. an external system the reconciler also checks).
      while (!impl_->stop.waitFor(opts_.resyncPeriod)) {
        if (!hasSynced()) continue;
        for (const auto& obj : store_.list()) {
          std::lock_guard<std::mutex> lock(impl_->dispatch_mu);
          for (const auto& h : handlers_) {
            if (h.onUpdate) h.onUpdate(*obj, *obj);
          }
        }
      }
    });
  }
  logging::info("informer started",
                {{"resource", opts_.resource.qualifiedName()}, {"namespaces", namespaces.size()}});
}

void Informer::stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  impl_->stop.requestStop();
  for (auto& r : impl_->reflectors) r->interrupt();
  { std::lock_guard<std::mutex> lock(impl_->sync_mu); }
  impl_->sync_cv.notify_all();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  if (impl_->resync.joinable()) impl_->resync.join();
}

bool Informer::hasSynced() const {
  if (!impl_->started || impl_->reflectors.empty()) return false;
  for (const auto& r : impl_->reflectors) {
    if (!r->hasSynced()) return false;
  }
  return true;
}

bool Informer::waitForSync(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->sync_mu);
  impl_->sync_cv.wait_for(lock, timeout,
                          [this] { return hasSynced() || impl_->stop.stopRequested(); });
  return hasSynced();
}

}  // namespace ctrl::cache
