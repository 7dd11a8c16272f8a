#pragma once
// Where upstream's agent loads its TLS client certificate when the operator
// mounts none (spec.auth.clientCertSecretRef unset): the Secret
// `argocd-agent-client-tls` in its own namespace (ARGOCD_AGENT_NAMESPACE =
// argocdNamespace). Upstream exits when that Secret is missing, so the
// operator checks it like any referenced credential (docs/decisions.md,
// "Client certificate (all methods)").
//
// spec.env comes after the operator's variables, so it can redirect or skip
// that load; only literal values count (a valueFrom is not resolvable here):
// - ARGOCD_AGENT_TLS_SECRET_NAME renames the Secret;
// - ARGOCD_AGENT_TLS_CLIENT_CERT_PATH and _KEY_PATH, both set, load files;
// - ARGOCD_AGENT_INSECURE_PLAINTEXT true (Go strconv.ParseBool) skips TLS.
// Read from the raw env array, so the Secret index (raw objects) and the
// credential check (parsed spec) agree.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace clusteragent {

inline constexpr const char* kDefaultClientCertSecret = "argocd-agent-client-tls";

// The name of the Secret the agent will load its client certificate from
// when spec.auth.clientCertSecretRef is unset; nullopt when it loads none.
// `env` is spec.env ([]core/v1 EnvVar); anything else counts as empty.
std::optional<std::string> defaultClientCertSecretName(const nlohmann::json& env);

}  // namespace clusteragent
