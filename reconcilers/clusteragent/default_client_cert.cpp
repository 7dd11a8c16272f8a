#include "reconcilers/clusteragent/default_client_cert.h"

#include <map>

namespace clusteragent {
namespace {

// Literal values by name; a later entry wins, as in the container.
std::map<std::string, std::string> literalEnv(const nlohmann::json& env) {
  std::map<std::string, std::string> out;
  if (!env.is_array()) return out;
  for (const auto& e : env) {
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) continue;
    const std::string name = e["name"].get<std::string>();
    if (e.contains("value") && e["value"].is_string()) {
      out[name] = e["value"].get<std::string>();
    } else {
      out.erase(name);  // valueFrom or no value: unknown here
    }
  }
  return out;
}

bool goTrue(const std::string& v) {
  return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True";
}

}  // namespace

std::optional<std::string> defaultClientCertSecretName(const nlohmann::json& env) {
  const auto vars = literalEnv(env);
  auto value = [&](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
  if (goTrue(value("ARGOCD_AGENT_INSECURE_PLAINTEXT"))) return std::nullopt;
  if (!value("ARGOCD_AGENT_TLS_CLIENT_CERT_PATH").empty() &&
      !value("ARGOCD_AGENT_TLS_CLIENT_KEY_PATH").empty()) {
    return std::nullopt;
  }
  std::string name = value("ARGOCD_AGENT_TLS_SECRET_NAME");
  return name.empty() ? std::string(kDefaultClientCertSecret) : name;
}

}  // namespace clusteragent
