#pragma once
// The Secrets a ClusterAgent references (token, CA, client certificate, redis
// password, proxy URL) — and, without a client certificate reference, upstream's default
// client certificate Secret in argocdNamespace — as "namespace/name" keys. It
// is the index that maps a changed Secret back to the ClusterAgents that use
// it, so creating or rotating a Secret reconciles exactly those. Read from the
// raw object: the index must work for a ClusterAgent whose spec does not
// validate too.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace clusteragent {

inline constexpr const char* kSecretRefIndex = "clusteragent-secret-refs";

std::vector<std::string> referencedSecretKeys(const nlohmann::json& clusterAgent);

}  // namespace clusteragent
