#pragma once
// Shared informer (client-go SharedIndexInformer): a Reflector per watched
// namespace lists then watches into one Store, calls handlers on changes and
// replays every object to onUpdate on each resync period. Handlers only
// enqueue keys; reconcilers read from store().

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controller/cache/store.h"
#include "controller/clock/clock.h"
#include "controller/clock/stop_signal.h"
#include "controller/kube/kube_client.h"

namespace ctrl::cache {

// Trims an object before it is cached (controller-runtime TransformFunc):
// keep what reconcilers need, e.g. a Secret as metadata plus a hash of its data.
using TransformFunc = std::function<json(json)>;

struct EventHandlers {
  std::function<void(const json& obj)> onAdd;
  std::function<void(const json& oldObj, const json& newObj)> onUpdate;
  std::function<void(const json& obj)> onDelete;
};

struct InformerOptions {
  kube::Resource resource;
  std::vector<std::string> namespaces;  // empty: all namespaces (or cluster-scoped)
  std::string labelSelector;
  std::string fieldSelector;
  TransformFunc transform;                                           // optional
  std::chrono::milliseconds resyncPeriod{std::chrono::minutes(10)};  // 0: never
  int64_t pageSize = 500;
  std::chrono::seconds watchTimeout{300};
};

class Informer {
 public:
  Informer(kube::KubeClientPtr client, InformerOptions opts, ClockPtr clock = nullptr);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void addEventHandlers(EventHandlers h);                // before start()
  void addIndex(const std::string& name, IndexFunc fn);  // before start()

  void start();  // spawns the reflector threads
  void stop();   // idempotent; joins threads
  bool hasSynced() const;
  // Blocks until synced or stop/timeout; true when synced.
  bool waitForSync(std::chrono::milliseconds timeout) const;

  const Store& store() const { return store_; }
  const kube::Resource& resource() const { return opts_.resource; }

  // Count of watch restarts (reconnects and relists) for metrics.
  uint64_t watchRestarts() const { return watch_restarts_.load(); }

 private:
  struct Impl;
  kube::KubeClientPtr client_;
  InformerOptions opts_;
  ClockPtr clock_;
  Store store_;
  std::vector<EventHandlers> handlers_;
  std::atomic<uint64_t> watch_restarts_{0};
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctrl::cache
