#pragma once
// The condition types and reasons a ClusterAgent's status carries (api.md).

namespace clusteragent {

// Positive polarity: True is healthy.
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kSpecValid = "SpecValid";
inline constexpr const char* kCredentialsReady = "CredentialsReady";
inline constexpr const char* kDeploymentAvailable = "DeploymentAvailable";
inline constexpr const char* kConnected = "Connected";
inline constexpr const char* kServerReachable = "ServerReachable";

// Warning conditions (abnormal-true, like Kubernetes' "Degraded"): present
// with status True only while the risky setting is in use, absent otherwise,
// so `kubectl get -o yaml` shows them only when there is something to fix.
inline constexpr const char* kInlineTokenInUse = "InlineTokenInUse";
inline constexpr const char* kInsecureSkipVerify = "InsecureSkipVerify";
// REDIS_PASSWORD will be unset: Argo CD's redis Secret is missing or not
// readable from the agent's namespace (the agent then fails with NOAUTH).
inline constexpr const char* kRedisPasswordMissing = "RedisPasswordMissing";
// The principal's certificate expires within 14 days (or has expired).
inline constexpr const char* kServerCertificateExpiring = "ServerCertificateExpiring";

inline constexpr const char* kReasonInvalidSpec = "InvalidSpec";

}  // namespace clusteragent
