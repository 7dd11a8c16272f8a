#pragma once
// Where env vars and volumes read Secrets and ConfigMaps from: the API server
// in the kubelet (KubeObjectSource), a map in unit tests.

#include <map>
#include <memory>
#include <string>

#include "controller/kube/status.h"

namespace processkubelet {

using DataMap = std::map<std::string, std::string>;

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // Decoded bytes per key; kNotFound when the object does not exist.
  virtual ctrl::kube::StatusOr<DataMap> secretData(const std::string& ns,
                                                   const std::string& name) = 0;
  // data and binaryData together.
  virtual ctrl::kube::StatusOr<DataMap> configMapData(const std::string& ns,
                                                      const std::string& name) = 0;
};

}  // namespace processkubelet
