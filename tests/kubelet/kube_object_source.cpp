#include "tests/kubelet/kube_object_source.h"

#include "controller/kube/base64.h"

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::Status;
using ctrl::kube::StatusOr;
namespace resources = ctrl::kube::resources;

namespace {

// Base64 values of `field` in obj, decoded.
StatusOr<DataMap> decodedField(const nlohmann::json& obj, const char* field,
                               const std::string& what, DataMap into) {
  if (!obj.contains(field) || !obj[field].is_object()) return into;
  for (const auto& [key, value] : obj[field].items()) {
    if (!value.is_string()) continue;
    auto decoded = ctrl::kube::base64Decode(value.get<std::string>());
    if (!decoded) return Status(Code::kInternal, what + ": key " + key + " is not valid base64");
    into[key] = *decoded;
  }
  return into;
}

}  // namespace

StatusOr<DataMap> KubeObjectSource::secretData(const std::string& ns, const std::string& name) {
  auto secret = client_->get(resources::kSecrets, ns, name);
  if (!secret.isOk()) return secret.status();
  return decodedField(*secret, "data", "secret " + ns + "/" + name, {});
}

StatusOr<DataMap> KubeObjectSource::configMapData(const std::string& ns, const std::string& name) {
  auto cm = client_->get(resources::kConfigMaps, ns, name);
  if (!cm.isOk()) return cm.status();
  DataMap data;
  if (cm->contains("data") && (*cm)["data"].is_object()) {
    for (const auto& [key, value] : (*cm)["data"].items()) {
      if (value.is_string()) data[key] = value.get<std::string>();
    }
  }
  return decodedField(*cm, "binaryData", "configmap " + ns + "/" + name, std::move(data));
}

}  // namespace processkubelet
