#pragma once
// The objects the benchmarks work on: a ClusterAgent as a user writes it, and
// a Deployment the way the API server hands it back (defaults, metadata,
// managedFields, status), so ownedFieldsMatch and JSON parsing are measured
// on what the operator really sees.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bench {

// A userpass ClusterAgent referencing the token Secret `<name>-token`.
nlohmann::json sampleClusterAgent(const std::string& ns, const std::string& name);

// The token Secret sampleClusterAgent references.
nlohmann::json sampleTokenSecret(const std::string& ns, const std::string& name);

// The Secrets upstream's agent reads on its own in an Argo CD namespace, as an
// install has them: the client certificate and CA (argocd-agent-client-tls,
// argocd-agent-ca; a fresh self-signed certificate), without which every
// sample agent stays CredentialsReady=False with no Deployment; and Argo CD's
// redis password (argocd-redis), without which every sample ClusterAgent
// carries RedisPasswordMissing and its Warning Event: a misconfiguration, not
// the healthy creation the bench measures.
std::vector<nlohmann::json> sampleAgentDefaultSecrets(const std::string& ns);

// `desired` as a live object: what the API server adds on create and what the
// deployment controller writes into status.
nlohmann::json serverPopulated(const nlohmann::json& desiredDeployment);

}  // namespace bench
