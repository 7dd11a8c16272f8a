#pragma once
#include <string>

#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
inline constexpr const char* kUserpassCredsKey = "userpass.creds";
// Set by the reconciler on the creds Secret (ensure_credentials.h): digests of
// what its data derives from and of the data itself.
inline constexpr const char* kCredsSourceAnnotation = "argoproj.io/credentials-source";
inline constexpr const char* kCredsDataAnnotation = "argoproj.io/data-digest";

// Secret `<name>-agent-creds` (type Opaque) holding the agent's credentials
// file: key "userpass.creds" = "<clusterName>:<token>". `token` is the
// resolved token (inline authToken or read from authTokenSecretRef); it is
// written base64-encoded under `data`. Only for spec.needsCredentialsSecret().
DesiredObject buildCredentialsSecret(const ClusterAgentSpec& spec, const std::string& token);

// `secret` (the creds Secret) with everything derived from the token left
// out: data, stringData and the two digest annotations (an emptied
// annotations map too). What the reconciler can compare without reading the
// token, and what `render` can show without it.
nlohmann::json withoutTokenDerivedFields(nlohmann::json secret);
}  // namespace clusteragent
