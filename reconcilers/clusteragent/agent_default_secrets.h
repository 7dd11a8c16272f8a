#pragma once
// The Secrets upstream's agent (v0.9.0) reads on its own when the operator
// mounts nothing in their place, and which it needs at start — so the
// operator checks them like referenced credentials (docs/decisions.md):
// - its TLS client certificate, `argocd-agent-client-tls` in its namespace
//   (ARGOCD_AGENT_NAMESPACE = argocdNamespace), unless
//   spec.auth.clientCertSecretRef is mounted; upstream exits without it;
// - the CA that verifies the principal, `argocd-agent-ca` in the same
//   namespace (every key a PEM certificate), unless tls.caSecretRef or
//   tls.rootCAPath gives one or verification is off; upstream exits without it;
// - Argo CD's redis password, Secret `argocd-redis` key `auth` (what
//   upstream's install references), unless redis.passwordSecretRef is set.
//
// spec.env comes after the operator's variables, so it could redirect or skip
// those loads. The variables below are reserved now (reserved_agent_env.h), so
// a valid spec sets none of them; they are still read because the Secret
// index sees raw objects, including ones stored before the CRD refused them.
// Only literal values count (a valueFrom is not resolvable here):
// - ARGOCD_AGENT_TLS_SECRET_NAME / ARGOCD_AGENT_TLS_ROOT_CA_SECRET_NAME rename;
// - ARGOCD_AGENT_TLS_CLIENT_CERT_PATH and _KEY_PATH, both set, load files;
// - ARGOCD_AGENT_TLS_ROOT_CA_PATH loads a file, ARGOCD_AGENT_TLS_INSECURE
//   true skips the CA;
// - ARGOCD_AGENT_INSECURE_PLAINTEXT true (Go strconv.ParseBool) skips TLS.
// Read from the raw env array, so the Secret index (raw objects) and the
// credential check (parsed spec) agree.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

inline constexpr const char* kDefaultClientCertSecret = "argocd-agent-client-tls";
inline constexpr const char* kDefaultCaSecret = "argocd-agent-ca";

// The name of the Secret the agent will load its client certificate from
// when spec.auth.clientCertSecretRef is unset; nullopt when it loads none.
// `env` is spec.env ([]core/v1 EnvVar); anything else counts as empty.
std::optional<std::string> defaultClientCertSecretName(const nlohmann::json& env);

// The name of the Secret the agent will load its root CA from when the
// operator gives it none (no tls.caSecretRef, tls.rootCAPath or
// insecureSkipVerify); nullopt when spec.env makes it load none.
std::optional<std::string> defaultCaSecretName(const nlohmann::json& env);

// True when spec.env names variable `name` (by value or valueFrom).
bool envSets(const nlohmann::json& env, const std::string& name);

// The CA Secret in spec.argocdNamespace the agent loads, if any.
std::optional<std::string> agentDefaultCaSecret(const ClusterAgentSpec& spec);

// Argo CD's redis password Secret for REDIS_PASSWORD when
// redis.passwordSecretRef is unset: argocd-redis/auth, only when the agent
// pod (in the ClusterAgent's namespace) can read it, i.e. argocdNamespace is
// that namespace, and spec.env does not set REDIS_PASSWORD itself.
std::optional<SecretKeyRef> defaultRedisPasswordRef(const ClusterAgentSpec& spec);

}  // namespace clusteragent
