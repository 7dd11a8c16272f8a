#pragma once
// A ClusterAgent, parsed and validated: every field of api.md with its
// effective value (defaults applied), so builders and ensure steps never look
// at raw JSON. Parsing is defensive: the object may predate the current CRD
// schema (or have bypassed it), so wrong types, unknown enum values and bad
// combinations come back as FieldErrors naming the field, never as a crash.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reconcilers/clusteragent/agent_image.h"

namespace clusteragent {

using json = nlohmann::json;

inline constexpr const char* kGroup = "argoproj.io";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "argoproj.io/v1alpha1";
inline constexpr const char* kKind = "ClusterAgent";
inline constexpr const char* kPlural = "clusteragents";

inline constexpr int kDefaultServerPort = 443;
inline constexpr const char* kDefaultTokenKey = "token";         // authTokenSecretRef.key
inline constexpr const char* kDefaultCaKey = "ca.crt";           // tls.caSecretRef.key
inline constexpr const char* kDefaultRedisPasswordKey = "auth";  // redis.passwordSecretRef.key
inline constexpr const char* kDefaultProxyKey = "httpsProxy";    // proxy.httpsProxySecretRef.key
// SpecValid reason for a plain proxy.httpsProxy that carries user:password@.
inline constexpr const char* kReasonProxyCredentialsInSpec = "ProxyCredentialsInSpec";
// Argo CD's own install: Service argocd-redis, Secret argocd-redis (key auth),
// both in Argo CD's namespace — what upstream's agent install references.
inline constexpr const char* kDefaultRedisService = "argocd-redis";
inline constexpr int kDefaultRedisPort = 6379;
inline constexpr const char* kDefaultRedisPasswordSecret = "argocd-redis";

enum class AuthMethod { kUserpass, kMtls, kHeader };
enum class AgentMode { kManaged, kAutonomous };

// "userpass" / "mtls" / "header", "managed" / "autonomous".
const char* authMethodName(AuthMethod m);
const char* agentModeName(AgentMode m);

struct SecretKeyRef {
  std::string name;
  std::string key;  // always set after parsing (the field's default applied)
};

// Identity of the ClusterAgent object itself (for owner references, names,
// the default argocdNamespace).
struct ClusterAgentMeta {
  std::string name;
  std::string ns;
  std::string uid;
  int64_t generation = 0;
};

struct ClusterAgentSpec {
  ClusterAgentMeta meta;

  // --- connection -------------------------------------------------------
  std::string serverAddr;               // as written by the user
  std::string serverHost;               // derived: host part of serverAddr ("[::1]" -> "::1")
  int serverPort = kDefaultServerPort;  // derived: port of serverAddr, default 443
  std::string clusterName;

  // --- credentials ------------------------------------------------------
  // SECRET: the inline token. Never log it, never put it in an error, an
  // event, status or a pod spec. The operator copies it into the credentials
  // Secret it owns (buildCredentialsSecret).
  std::optional<std::string> authToken;
  std::optional<SecretKeyRef> authTokenSecretRef;  // key defaults to "token"
  AuthMethod authMethod = AuthMethod::kMtls;  // effective (explicit, or derived from the token)
  bool authMethodExplicit = false;            // spec.auth.method was written
  std::optional<std::string>
      clientCertSecretName;  // auth.clientCertSecretRef.name (kubernetes.io/tls)

  // --- TLS --------------------------------------------------------------
  std::optional<SecretKeyRef> caSecretRef;  // tls.caSecretRef, key defaults to "ca.crt"
  // tls.rootCAPath: a CA bundle inside the agent image (its system roots, for
  // a publicly trusted principal). Exclusive with caSecretRef; with neither,
  // the agent loads upstream's default CA Secret (agent_default_secrets.h).
  std::string rootCAPath;
  bool insecureSkipVerify = false;

  // --- agent ------------------------------------------------------------
  AgentMode mode = AgentMode::kManaged;
  std::string argocdNamespace;  // effective: defaults to meta.ns
  std::string image;            // effective: defaults to ParseOptions::defaultImage
  std::string imagePullPolicy;  // "" = not set (server default); else Always|IfNotPresent|Never
  std::vector<std::string> imagePullSecrets;  // names
  int replicas = 1;                           // 0 or 1

  // Pod passthrough: kept as JSON (already type-checked), copied verbatim.
  json resources = json::object();  // core/v1 ResourceRequirements; {} = none
  std::map<std::string, std::string> nodeSelector;
  json tolerations = json::array();  // []core/v1 Toleration
  json affinity = json::object();    // core/v1 Affinity; {} = none
  std::string priorityClassName;

  std::string logLevel = "info";          // trace|debug|info|warn|error
  std::string logFormat = "text";         // text|json
  std::string keepAliveInterval;          // "" = agent default; else a Go duration ("30s", "1m30s")
  std::optional<bool> enableWebSocket;    // unset = agent default
  std::optional<bool> enableCompression;  // unset = agent default

  struct Redis {
    std::string address;  // effective: argocd-redis.<argocdNamespace>.svc:6379
    std::optional<SecretKeyRef> passwordSecretRef;  // key defaults to "auth"
  } redis;

  struct Proxy {
    std::string httpsProxy;  // plain, never with user:password@ (refused by parsing)
    // SECRET source: the Secret holding the URL, which may carry credentials.
    // The operator copies it into the creds Secret and the agent reads
    // HTTPS_PROXY from there, so it never appears in a pod spec.
    std::optional<SecretKeyRef> httpsProxySecretRef;  // key defaults to "httpsProxy"
    std::string noProxy;
  } proxy;

  struct Rbac {
    bool clusterWide = false;
    json extraRules = json::array();  // []rbac/v1 PolicyRule, appended to the Role
  } rbac;

  json env = json::array();  // []core/v1 EnvVar, appended after the operator's own

  // True when the agent needs a credentials Secret owned by the operator
  // (`<name>-agent-creds`): userpass (token inline or from a Secret), or a
  // proxy URL from a Secret.
  bool needsToken() const { return authMethod == AuthMethod::kUserpass; }
  bool needsCredentialsSecret() const {
    return needsToken() || proxy.httpsProxySecretRef.has_value();
  }
  bool hasTokenSource() const { return authToken.has_value() || authTokenSecretRef.has_value(); }
};

// One problem with one field. `field` is the full JSON path as the API server
// would name it ("spec.auth.method", "spec.env[2].name"); `message` never
// contains a secret value.
struct FieldError {
  std::string field;
  std::string message;
  // The SpecValid reason when it is more precise than InvalidSpec (e.g.
  // EnvNotAllowed); empty: InvalidSpec.
  std::string reason;
  // "spec.auth.method: unsupported value \"foo\": supported values ..."
  std::string toString() const { return field + ": " + message; }
};

// Something valid but discouraged (inline authToken, insecureSkipVerify):
// the status carries a Warning-level condition for it.
struct FieldWarning {
  std::string field;
  std::string
      reason;  // CamelCase, usable as a condition reason: "InlineAuthToken", "InsecureSkipVerify"
  std::string message;
};

struct ParseResult {
  ClusterAgentSpec spec;  // best effort when !ok(); do not build from it then
  std::vector<FieldError> errors;
  std::vector<FieldWarning> warnings;

  bool ok() const { return errors.empty(); }
  // All errors joined by "; " — for the SpecValid condition message.
  std::string errorSummary() const;
  // The SpecValid reason: the errors' own when they all share one, else
  // empty (InvalidSpec).
  std::string errorReason() const;
};

struct ParseOptions {
  // The agent image used when spec.image is empty (the operator's
  // --agent-image flag).
  std::string defaultImage = kDefaultAgentImage;
};

// Parses and validates a whole ClusterAgent object (apiVersion/kind/metadata/spec).
ParseResult parseClusterAgent(const json& object, const ParseOptions& options = {});

// Pieces used by parseClusterAgent, exposed for tests and the prober.
struct ServerAddress {
  std::string host;
  int port = kDefaultServerPort;
};
// Accepts "https://host[:port]" and "host:port" (host = DNS name, IPv4 or
// [IPv6]); anything else (other schemes, paths, queries, userinfo, spaces,
// port 0 or > 65535) is an error message (without the field name).
std::optional<ServerAddress> parseServerAddr(const std::string& addr, std::string* error);
bool isDns1123Label(const std::string& s);
// True when a proxy URL carries userinfo ("scheme://user[:pass]@host" or,
// as Go's proxy parsing also accepts, "user[:pass]@host:port").
bool proxyUrlHasUserinfo(const std::string& url);
// The longest name derived from a ClusterAgent's is its metrics Service,
// "<name>-agent-metrics", and a Service name is a DNS-1035 label (at most 63,
// starting with a letter). The CRD schema says the same of metadata.name.
inline constexpr size_t kMaxClusterAgentNameLength = 63 - sizeof("-agent-metrics") + 1;
bool isClusterAgentName(const std::string& s);
// Go time.ParseDuration syntax with units ns|us|µs|ms|s|m|h, e.g. "30s", "1m30s".
bool isGoDuration(const std::string& s);
// How deep a spec field may nest. Free-form fields (affinity, resources,
// tolerations, env) go into the Deployment, and a real one nests a handful of
// levels; the API server admits about 10,000, and copies, comparisons and
// dumps of JSON recurse once per level.
inline constexpr size_t kMaxSpecFieldNesting = 32;
// Levels of objects and arrays in v (a scalar is 0), without recursion.
size_t nestingDepth(const nlohmann::json& v);

}  // namespace clusteragent
