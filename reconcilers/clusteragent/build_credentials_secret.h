#pragma once
#include <string>

#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
inline constexpr const char* kUserpassCredsKey = "userpass.creds";
// The HTTPS_PROXY URL from spec.proxy.httpsProxySecretRef; the agent's env
// reads it with valueFrom.secretKeyRef.
inline constexpr const char* kHttpsProxyCredsKey = "https-proxy";
// Set by the reconciler on the creds Secret (ensure_credentials.h): digests of
// what its data derives from and of the data itself.
inline constexpr const char* kCredsSourceAnnotation = "argoproj.io/credentials-source";
inline constexpr const char* kCredsDataAnnotation = "argoproj.io/data-digest";

// The resolved values the creds Secret carries (never logged).
struct CredentialValues {
  std::string token;       // inline authToken or read from authTokenSecretRef
  std::string httpsProxy;  // read from proxy.httpsProxySecretRef
};

// Secret `<name>-agent-creds` (type Opaque) holding, base64-encoded under
// `data`: for userpass the agent's credentials file, key "userpass.creds" =
// "<clusterName>:<token>"; with proxy.httpsProxySecretRef the proxy URL, key
// "https-proxy". Only for spec.needsCredentialsSecret().
DesiredObject buildCredentialsSecret(const ClusterAgentSpec& spec, const CredentialValues& values);

// `secret` (the creds Secret) with everything derived from the token left
// out: data, stringData and the two digest annotations (an emptied
// annotations map too). What the reconciler can compare without reading the
// token, and what `render` can show without it.
nlohmann::json withoutTokenDerivedFields(nlohmann::json secret);
}  // namespace clusteragent
