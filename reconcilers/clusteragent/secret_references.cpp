#include "reconcilers/clusteragent/secret_references.h"

#include <algorithm>

#include "reconcilers/clusteragent/agent_default_secrets.h"

namespace clusteragent {

using nlohmann::json;

std::vector<std::string> referencedSecretKeys(const json& ca) {
  const std::string ns = ca.value("/metadata/namespace"_json_pointer, std::string());
  const json spec = ca.value("spec", json::object());
  auto stringAt = [&](const json::json_pointer& p) {
    return spec.contains(p) && spec.at(p).is_string() ? spec.at(p).get<std::string>() : "";
  };
  std::vector<std::string> out;
  for (const auto& p :
       {"/authTokenSecretRef/name"_json_pointer, "/tls/caSecretRef/name"_json_pointer,
        "/auth/clientCertSecretRef/name"_json_pointer, "/redis/passwordSecretRef/name"_json_pointer,
        "/proxy/httpsProxySecretRef/name"_json_pointer}) {
    std::string name = stringAt(p);
    if (!name.empty()) out.push_back(ns + "/" + name);
  }
  // The Secrets the agent (or its pod) reads by default when the spec names
  // none (agent_default_secrets.h): their creation must wake the agent too.
  std::string agentNs = stringAt("/argocdNamespace"_json_pointer);
  if (agentNs.empty()) agentNs = ns;
  const json env = spec.contains("/env"_json_pointer) ? spec.at("/env"_json_pointer) : json();
  if (stringAt("/auth/clientCertSecretRef/name"_json_pointer).empty()) {
    if (auto name = defaultClientCertSecretName(env)) out.push_back(agentNs + "/" + *name);
  }
  const bool insecure = spec.contains("/tls/insecureSkipVerify"_json_pointer) &&
                        spec.at("/tls/insecureSkipVerify"_json_pointer) == json(true);
  if (stringAt("/tls/caSecretRef/name"_json_pointer).empty() &&
      stringAt("/tls/rootCAPath"_json_pointer).empty() && !insecure) {
    if (auto name = defaultCaSecretName(env)) out.push_back(agentNs + "/" + *name);
  }
  if (stringAt("/redis/passwordSecretRef/name"_json_pointer).empty() && agentNs == ns) {
    out.push_back(ns + "/" + kDefaultRedisPasswordSecret);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace clusteragent
