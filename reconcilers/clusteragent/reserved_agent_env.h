#pragma once
// The agent's environment variables spec.env may not set: those that decide
// where the agent connects and what it trusts or presents (server, port, mode,
// namespace, credentials, CA, client certificate, TLS verification,
// plaintext). The operator sets most of them from spec fields, and spec.env
// comes after its own variables, so without this rule a later duplicate would
// silently win: turning verification off behind a spec that says it is on,
// or pointing the agent at another server than the one the operator probes
// and reports. Refused when the spec is parsed (SpecValid=False, reason
// kReasonReservedAgentEnv) and by the CRD's CEL rule on spec.env.

#include <optional>
#include <string>
#include <vector>

namespace clusteragent {

inline constexpr const char* kReasonReservedAgentEnv = "EnvNotAllowed";

// Every reserved name, sorted (the CRD rule lists the same; a test compares).
const std::vector<std::string>& reservedAgentEnvNames();

// For a reserved name: what to set instead ("use spec.tls.insecureSkipVerify")
// or why there is no way to; nullopt for a name spec.env may set.
std::optional<std::string> reservedAgentEnvHint(const std::string& name);

}  // namespace clusteragent
