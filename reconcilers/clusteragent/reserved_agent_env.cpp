#include "reconcilers/clusteragent/reserved_agent_env.h"

#include <map>

namespace clusteragent {
namespace {

const std::map<std::string, std::string>& hints() {
  static const std::map<std::string, std::string> h = {
      {"ARGOCD_AGENT_CREDS", "use spec.auth.method"},
      {"ARGOCD_AGENT_INSECURE_PLAINTEXT",
       "a ClusterAgent's agent always uses TLS (its credentials would otherwise travel in the "
       "clear)"},
      {"ARGOCD_AGENT_MODE", "use spec.mode"},
      {"ARGOCD_AGENT_NAMESPACE", "use spec.argocdNamespace"},
      {"ARGOCD_AGENT_REMOTE_PORT", "use spec.serverAddr"},
      {"ARGOCD_AGENT_REMOTE_SERVER", "use spec.serverAddr"},
      {"ARGOCD_AGENT_TLS_CLIENT_CERT_PATH", "use spec.auth.clientCertSecretRef"},
      {"ARGOCD_AGENT_TLS_CLIENT_KEY_PATH", "use spec.auth.clientCertSecretRef"},
      {"ARGOCD_AGENT_TLS_INSECURE", "use spec.tls.insecureSkipVerify"},
      {"ARGOCD_AGENT_TLS_ROOT_CA_PATH", "use spec.tls.caSecretRef or spec.tls.rootCAPath"},
      {"ARGOCD_AGENT_TLS_ROOT_CA_SECRET_NAME", "use spec.tls.caSecretRef"},
      {"ARGOCD_AGENT_TLS_SECRET_NAME", "use spec.auth.clientCertSecretRef"},
  };
  return h;
}

}  // namespace

const std::vector<std::string>& reservedAgentEnvNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, hint] : hints()) out.push_back(name);
    return out;
  }();
  return names;
}

std::optional<std::string> reservedAgentEnvHint(const std::string& name) {
  auto it = hints().find(name);
  if (it == hints().end()) return std::nullopt;
  return it->second;
}

}  // namespace clusteragent
