#pragma once
// Reflector (client-go tools/cache/reflector.go): keeps a Store in step with
// the API server for one resource in one namespace (or all). It lists in
// pages, remembers the list's resourceVersion and watches from it, tracking
// the version through every event and bookmark. A stream the server ends is
// resumed from the last version; 410 Gone (the version was compacted away)
// forces a relist whose diff against the store becomes handler calls, so a
// delete missed while disconnected is still seen. So does a watch event the
// transform fails on: skipping it would leave the store stale. Failures back off with
// jitter; a healthy watch resets the backoff.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "controller/cache/store.h"
#include "controller/clock/stop_signal.h"
#include "controller/kube/backoff.h"
#include "controller/kube/kube_client.h"

namespace ctrl::cache {

struct ReflectorOptions {
  kube::Resource resource;
  std::string ns;  // "" for all namespaces or cluster-scoped
  std::string labelSelector;
  std::string fieldSelector;
  int64_t pageSize = 500;
  // Each watch asks the server to end it after watchTimeout × [1, 2), as
  // client-go does: jittered, so informers started together (and the
  // operator's replicas) do not all reconnect in the same second.
  std::chrono::seconds watchTimeout{300};
  // Optional. Must return an object with the same namespace and name; one it
  // throws on (or returns anything else for) is not cached: a list leaves it
  // out, a watch event makes the reflector relist (after a backoff).
  std::function<json(json)> transform;
  // 1 s -> 30 s, jittered; reset by a watch that delivers events.
  kube::BackoffPolicy backoff{std::chrono::seconds(1), std::chrono::seconds(30), 2.0, 0.2};
  // Waits out a backoff; true when stop was requested meanwhile. Defaults to
  // StopSignal::waitFor; tests inject one that records and returns at once.
  std::function<bool(std::chrono::milliseconds)> sleep;
  // Test hook: skip the first list and watch from this version (e.g. "1",
  // which the server rejects as too old, forcing a relist).
  std::string initialWatchResourceVersion;
};

// Where the reflector reports changes. Any member may be empty.
struct ReflectorSink {
  std::function<void(const ObjectPtr& obj)> onAdd;
  std::function<void(const ObjectPtr& oldObj, const ObjectPtr& newObj)> onUpdate;
  std::function<void(const ObjectPtr& obj)> onDelete;
  std::function<void()> onSynced;                            // after each successful list
  std::function<void(const std::string& reason)> onRestart;  // reconnect or relist
};

// base × a random factor in [1, 2), in whole seconds (the watch's timeoutSeconds).
int jitteredWatchTimeout(std::chrono::seconds base);

class Reflector {
 public:
  Reflector(kube::KubeClientPtr client, ReflectorOptions opts, Store& store, ReflectorSink sink);

  // Lists and watches until stop is requested. Call interrupt() after
  // requesting stop to end a blocked watch at once.
  void run(const StopSignal& stop);
  void interrupt();

  bool hasSynced() const { return synced_.load(); }
  std::string lastResourceVersion() const;
  uint64_t lists() const { return lists_.load(); }
  uint64_t watches() const { return watches_.load(); }

 private:
  enum class WatchEnd { kStopped, kReconnect, kRelist, kBackoffRewatch, kBackoffRelist };

  kube::Status listAndReplace(const StopSignal& stop);
  kube::StatusOr<std::vector<ObjectPtr>> listAll(std::string* resourceVersion, int64_t limit);
  WatchEnd watchOnce(const StopSignal& stop);
  // Applies one ADDED/MODIFIED/DELETED event to the store and the sink and
  // moves the resourceVersion past it; false (nothing done) when the
  // transform failed on it.
  bool apply(const kube::WatchEvent& ev);
  ObjectPtr prepare(json obj) const;
  void setResourceVersion(const std::string& rv);
  bool sleepFor(const StopSignal& stop, std::chrono::milliseconds d);
  json logFields() const;

  kube::KubeClientPtr client_;
  ReflectorOptions opts_;
  Store& store_;
  ReflectorSink sink_;
  kube::Backoff backoff_;

  mutable std::mutex mu_;
  std::string resource_version_;
  kube::WatchStream* current_ = nullptr;  // the open watch, for interrupt()
  bool interrupted_ = false;

  std::atomic<bool> synced_{false};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> watches_{0};
};

}  // namespace ctrl::cache
