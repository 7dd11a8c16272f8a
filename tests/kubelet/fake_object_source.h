#pragma once
// ObjectSource over maps, for unit tests of env and volume resolution.

#include <map>
#include <string>
#include <utility>

#include "tests/kubelet/object_source.h"

namespace processkubelet {

class FakeObjectSource : public ObjectSource {
 public:
  std::map<std::pair<std::string, std::string>, DataMap> secrets;     // {ns, name}
  std::map<std::pair<std::string, std::string>, DataMap> configMaps;  // {ns, name}

  ctrl::kube::StatusOr<DataMap> secretData(const std::string& ns,
                                           const std::string& name) override {
    return find(secrets, ns, name, "secrets");
  }
  ctrl::kube::StatusOr<DataMap> configMapData(const std::string& ns,
                                              const std::string& name) override {
    return find(configMaps, ns, name, "configmaps");
  }

 private:
  static ctrl::kube::StatusOr<DataMap> find(
      const std::map<std::pair<std::string, std::string>, DataMap>& m, const std::string& ns,
      const std::string& name, const std::string& plural) {
    auto it = m.find({ns, name});
    if (it == m.end()) {
      return ctrl::kube::Status(ctrl::kube::Code::kNotFound,
                                plural + " \"" + name + "\" not found");
    }
    return it->second;
  }
};

}  // namespace processkubelet
