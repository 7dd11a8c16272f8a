#pragma once
// Test builders that read like the objects they build:
//   makeClusterAgent("a", withServer("https://x"), withTokenSecret("s"))
// Each `with*` is a function on the raw ClusterAgent JSON, so tests can also
// write shapes the CRD schema would refuse (defence-in-depth parsing).

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace testbuilders {

using json = nlohmann::json;
using ClusterAgentOption = std::function<void(json&)>;

inline ClusterAgentOption withNamespace(std::string ns) {
  return [ns](json& o) { o["metadata"]["namespace"] = ns; };
}
inline ClusterAgentOption withUid(std::string uid) {
  return [uid](json& o) { o["metadata"]["uid"] = uid; };
}
inline ClusterAgentOption withServer(std::string addr) {
  return [addr](json& o) { o["spec"]["serverAddr"] = addr; };
}
inline ClusterAgentOption withClusterName(std::string name) {
  return [name](json& o) { o["spec"]["clusterName"] = name; };
}
inline ClusterAgentOption withToken(std::string token) {
  return [token](json& o) { o["spec"]["authToken"] = token; };
}
inline ClusterAgentOption withTokenSecret(std::string name, std::string key = "") {
  return [name, key](json& o) {
    o["spec"]["authTokenSecretRef"] = {{"name", name}};
    if (!key.empty()) o["spec"]["authTokenSecretRef"]["key"] = key;
  };
}
inline ClusterAgentOption withAuthMethod(std::string method) {
  return [method](json& o) { o["spec"]["auth"]["method"] = method; };
}
inline ClusterAgentOption withClientCert(std::string secret) {
  return [secret](json& o) { o["spec"]["auth"]["clientCertSecretRef"] = {{"name", secret}}; };
}
inline ClusterAgentOption withCaSecret(std::string name, std::string key = "") {
  return [name, key](json& o) {
    o["spec"]["tls"]["caSecretRef"] = {{"name", name}};
    if (!key.empty()) o["spec"]["tls"]["caSecretRef"]["key"] = key;
  };
}
inline ClusterAgentOption withArgocdNamespace(std::string ns) {
  return [ns](json& o) { o["spec"]["argocdNamespace"] = ns; };
}
// Any spec field, any JSON value (including wrong types).
inline ClusterAgentOption withSpecField(std::string field, json value) {
  return [field, value](json& o) { o["spec"][field] = value; };
}

// A ClusterAgent in namespace "argocd" with clusterName "c1", server
// https://principal.example.com and uid "uid-1"; options override.
template <typename... Options>
json makeClusterAgent(const std::string& name, Options&&... options) {
  json o = {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "ClusterAgent"},
      {"metadata", {{"name", name}, {"namespace", "argocd"}, {"uid", "uid-1"}, {"generation", 1}}},
      {"spec", {{"serverAddr", "https://principal.example.com"}, {"clusterName", "c1"}}}};
  (std::forward<Options>(options)(o), ...);
  return o;
}

}  // namespace testbuilders
