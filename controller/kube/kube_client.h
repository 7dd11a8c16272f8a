#pragma once
// The API client seam (like client-go's dynamic client): every call the
// operator makes to the API server goes through KubeClient. The real
// implementation is CpprestKubeClient; unit tests use tests/mocks/.
//
// Objects are nlohmann::json in the API's own shape, so one client serves
// core kinds and custom resources alike.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/kube/resource.h"
#include "controller/kube/status.h"

namespace ctrl::kube {

using nlohmann::json;

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  int64_t limit = 0;  // 0: no paging
  std::string continueToken;
  std::string resourceVersion;
  std::string resourceVersionMatch;  // "", "NotOlderThan", "Exact"
};

struct WatchOptions {
  std::string labelSelector;
  std::string fieldSelector;
  std::string resourceVersion;
  bool allowWatchBookmarks = true;
  int timeoutSeconds = 300;  // server closes the watch after this; reflector reconnects
};

enum class PatchType { kMerge, kJson, kStrategicMerge, kApply };

struct PatchOptions {
  std::string fieldManager;  // required for kApply
  bool force = false;        // kApply: take ownership of conflicting fields
  std::string subresource;   // "" or "status"
};

struct UpdateOptions {
  std::string fieldManager;
  std::string subresource;  // "" or "status"
};

struct DeleteOptions {
  std::string propagationPolicy;  // "", "Foreground", "Background", "Orphan"
  std::string preconditionUid;
  std::string preconditionResourceVersion;
  // Unset: the object's own default. 0 is how a kubelet confirms a pod is gone.
  std::optional<int64_t> gracePeriodSeconds;
};

// pods/log: how much of a container's log to read.
struct LogOptions {
  std::string container;   // "": the pod's only container
  int64_t tailLines = 0;   // 0: the whole log
  int64_t limitBytes = 0;  // 0: no limit (set one: a log can be large)
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type;
  json object;  // for kError, the metav1.Status
};

// A streaming watch. next() blocks until an event arrives, the server ends
// the stream (returns std::nullopt), the client read timeout passes with no
// bytes (kTimeout: the connection is presumed dead), or cancel() is called
// from another thread (kCancelled).
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual StatusOr<std::optional<WatchEvent>> next() = 0;
  virtual void cancel() = 0;
};
using WatchStreamPtr = std::unique_ptr<WatchStream>;

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  // For cluster-scoped resources ns is ignored ("").
  virtual StatusOr<json> get(const Resource& r, const std::string& ns, const std::string& name,
                             const std::string& subresource = "") = 0;
  // One page; the returned List carries metadata.continue and resourceVersion.
  virtual StatusOr<json> list(const Resource& r, const std::string& ns,
                              const ListOptions& opts = {}) = 0;
  virtual StatusOr<json> create(const Resource& r, const std::string& ns, const json& obj,
                                const std::string& fieldManager = "") = 0;
  virtual StatusOr<json> update(const Resource& r, const std::string& ns, const json& obj,
                                const UpdateOptions& opts = {}) = 0;
  virtual StatusOr<json> patch(const Resource& r, const std::string& ns, const std::string& name,
                               PatchType type, const json& body, const PatchOptions& opts = {}) = 0;
  virtual Status remove(const Resource& r, const std::string& ns, const std::string& name,
                        const DeleteOptions& opts = {}) = 0;
  virtual StatusOr<WatchStreamPtr> watch(const Resource& r, const std::string& ns,
                                         const WatchOptions& opts = {}) = 0;
  // A container's log as the kubelet serves it through the API server: text
  // written by the container, so untrusted bytes to whoever reads it.
  virtual StatusOr<std::string> podLogs(const std::string& ns, const std::string& pod,
                                        const LogOptions& opts = {}) = 0;

  // Ends every request in flight and refuses later ones with kCancelled,
  // retry sleeps included, so a process can exit in bounded time however
  // slow the API server is. For shutdown only: there is no undo. A no-op
  // for clients with nothing to interrupt (fakes).
  virtual void shutdown() {}
};
using KubeClientPtr = std::shared_ptr<KubeClient>;

// Lists every page (following metadata.continue) into one List object.
StatusOr<json> listAll(KubeClient& client, const Resource& r, const std::string& ns,
                       ListOptions opts = {});

}  // namespace ctrl::kube
