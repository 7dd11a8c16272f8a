#pragma once
// A KubeClient whose writes (create, update, patch, delete) are refused with
// kCancelled unless `writesAllowed` says yes at the moment of the call; reads,
// watches and logs pass through. The manager hands controllers this client so
// that a replica which is no longer sure it leads stops writing at once,
// instead of finishing the reconciles it has in flight (client-go leaves that
// to the process exiting; here the refusal comes first).

#include <functional>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

class FencedKubeClient final : public KubeClient {
 public:
  FencedKubeClient(KubeClientPtr inner, std::function<bool()> writesAllowed);

  StatusOr<json> get(const Resource& r, const std::string& ns, const std::string& name,
                     const std::string& subresource = "") override;
  StatusOr<json> list(const Resource& r, const std::string& ns,
                      const ListOptions& opts = {}) override;
  StatusOr<json> create(const Resource& r, const std::string& ns, const json& obj,
                        const std::string& fieldManager = "") override;
  StatusOr<json> update(const Resource& r, const std::string& ns, const json& obj,
                        const UpdateOptions& opts = {}) override;
  StatusOr<json> patch(const Resource& r, const std::string& ns, const std::string& name,
                       PatchType type, const json& body, const PatchOptions& opts = {}) override;
  Status remove(const Resource& r, const std::string& ns, const std::string& name,
                const DeleteOptions& opts = {}) override;
  StatusOr<WatchStreamPtr> watch(const Resource& r, const std::string& ns,
                                 const WatchOptions& opts = {}) override;
  StatusOr<std::string> podLogs(const std::string& ns, const std::string& pod,
                                const LogOptions& opts = {}) override;
  void shutdown() override;

 private:
  // kOk when writing is allowed now.
  Status fence(const char* verb, const Resource& r, const std::string& ns,
               const std::string& name) const;

  KubeClientPtr inner_;
  std::function<bool()> writes_allowed_;
};

}  // namespace ctrl::kube
