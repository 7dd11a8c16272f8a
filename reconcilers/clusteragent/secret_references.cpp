#include "reconcilers/clusteragent/secret_references.h"

#include <algorithm>

namespace clusteragent {

using nlohmann::json;

std::vector<std::string> referencedSecretKeys(const json& ca) {
  const std::string ns = ca.value("/metadata/namespace"_json_pointer, std::string());
  const json spec = ca.value("spec", json::object());
  std::vector<std::string> out;
  for (const auto& p : {"/authTokenSecretRef/name"_json_pointer, "/tls/caSecretRef/name"_json_pointer,
                        "/auth/clientCertSecretRef/name"_json_pointer,
                        "/redis/passwordSecretRef/name"_json_pointer}) {
    if (!spec.contains(p) || !spec.at(p).is_string()) continue;
    std::string name = spec.at(p).get<std::string>();
    if (!name.empty()) out.push_back(ns + "/" + name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace clusteragent
