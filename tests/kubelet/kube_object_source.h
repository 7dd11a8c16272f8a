#pragma once
// ObjectSource over the API server: every read is a fresh GET, as the
// kubelet reads a Secret when it starts a container rather than from a cache.

#include "controller/kube/kube_client.h"
#include "tests/kubelet/object_source.h"

namespace processkubelet {

class KubeObjectSource : public ObjectSource {
 public:
  explicit KubeObjectSource(ctrl::kube::KubeClientPtr client) : client_(std::move(client)) {}
  ctrl::kube::StatusOr<DataMap> secretData(const std::string& ns, const std::string& name) override;
  ctrl::kube::StatusOr<DataMap> configMapData(const std::string& ns,
                                              const std::string& name) override;

 private:
  ctrl::kube::KubeClientPtr client_;
};

}  // namespace processkubelet
