#include "reconcilers/clusteragent/agent_default_secrets.h"

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

struct LiteralEnv {
  std::map<std::string, std::string> vars;
  std::string operator()(const char* name) const {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  }
};

}  // namespace

std::optional<std::string> defaultClientCertSecretName(const nlohmann::json& env) {
  const LiteralEnv value{literalEnv(env)};
  if (goTrue(value("ARGOCD_AGENT_INSECURE_PLAINTEXT"))) return std::nullopt;
  if (!value("ARGOCD_AGENT_TLS_CLIENT_CERT_PATH").empty() &&
      !value("ARGOCD_AGENT_TLS_CLIENT_KEY_PATH").empty()) {
    return std::nullopt;
  }
  std::string name = value("ARGOCD_AGENT_TLS_SECRET_NAME");
  return name.empty() ? std::string(kDefaultClientCertSecret) : name;
}

std::optional<std::string> defaultCaSecretName(const nlohmann::json& env) {
  const LiteralEnv value{literalEnv(env)};
  if (goTrue(value("ARGOCD_AGENT_INSECURE_PLAINTEXT")) ||
      goTrue(value("ARGOCD_AGENT_TLS_INSECURE")) ||
      !value("ARGOCD_AGENT_TLS_ROOT_CA_PATH").empty()) {
    return std::nullopt;
  }
  std::string name = value("ARGOCD_AGENT_TLS_ROOT_CA_SECRET_NAME");
  return name.empty() ? std::string(kDefaultCaSecret) : name;
}

std::optional<std::string> agentDefaultCaSecret(const ClusterAgentSpec& spec) {
  if (spec.caSecretRef || !spec.rootCAPath.empty() || spec.insecureSkipVerify) return std::nullopt;
  return defaultCaSecretName(spec.env);
}

bool envSets(const nlohmann::json& env, const std::string& name) {
  if (!env.is_array()) return false;
  for (const auto& e : env) {
    if (e.is_object() && e.value("name", nlohmann::json()) == nlohmann::json(name)) return true;
  }
  return false;
}

std::optional<SecretKeyRef> defaultRedisPasswordRef(const ClusterAgentSpec& spec) {
  if (spec.redis.passwordSecretRef || spec.argocdNamespace != spec.meta.ns ||
      envSets(spec.env, "REDIS_PASSWORD")) {
    return std::nullopt;
  }
  return SecretKeyRef{kDefaultRedisPasswordSecret, kDefaultRedisPasswordKey};
}

}  // namespace clusteragent
