#pragma once
#include <string>

#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
inline constexpr const char* kUserpassCredsKey = "userpass.creds";

// Secret `<name>-agent-creds` (type Opaque) holding the agent's credentials
// file: key "userpass.creds" = "<clusterName>:<token>". `token` is the
// resolved token (inline authToken or read from authTokenSecretRef); it is
// written base64-encoded under `data`. Only for spec.needsCredentialsSecret().
DesiredObject buildCredentialsSecret(const ClusterAgentSpec& spec, const std::string& token);
}  // namespace clusteragent
