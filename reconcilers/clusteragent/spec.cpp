#include "reconcilers/clusteragent/spec.h"

#include <cctype>
#include <initializer_list>

#include "reconcilers/clusteragent/reserved_agent_env.h"

namespace clusteragent {

const char* authMethodName(AuthMethod m) {
  switch (m) {
    case AuthMethod::kUserpass:
      return "userpass";
    case AuthMethod::kMtls:
      return "mtls";
    case AuthMethod::kHeader:
      return "header";
  }
  return "unknown";
}

const char* agentModeName(AgentMode m) {
  return m == AgentMode::kAutonomous ? "autonomous" : "managed";
}

std::string ParseResult::errorSummary() const {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.toString();
  }
  return out;
}

std::string ParseResult::errorReason() const {
  if (errors.empty()) return "";
  for (const auto& e : errors) {
    if (e.reason != errors.front().reason) return "";
  }
  return errors.front().reason;
}

namespace {

const char* jsonTypeName(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

// Walks one JSON object, recording type errors under `path`. Values the user
// did not write (absent or null) are "unset".
class Reader {
 public:
  Reader(std::vector<FieldError>* errors) : errors_(errors) {}

  void error(const std::string& field, const std::string& message, const std::string& reason = "") {
    errors_->push_back({field, message, reason});
  }

  const json* member(const json& obj, const std::string& key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
  }

  bool typeError(const std::string& field, const json& v, const char* want) {
    error(field, std::string("must be ") + want + ", got " + jsonTypeName(v));
    return false;
  }

  // Returns nullopt when absent or of the wrong type (then with an error).
  std::optional<std::string> str(const json& obj, const std::string& key, const std::string& path) {
    const json* v = member(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      typeError(path, *v, "a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  std::optional<bool> boolean(const json& obj, const std::string& key, const std::string& path) {
    const json* v = member(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      typeError(path, *v, "a boolean");
      return std::nullopt;
    }
    return v->get<bool>();
  }

  const json* object(const json& obj, const std::string& key, const std::string& path) {
    const json* v = member(obj, key);
    if (!v) return nullptr;
    if (!v->is_object()) {
      typeError(path, *v, "an object");
      return nullptr;
    }
    return v;
  }

  const json* array(const json& obj, const std::string& key, const std::string& path) {
    const json* v = member(obj, key);
    if (!v) return nullptr;
    if (!v->is_array()) {
      typeError(path, *v, "an array");
      return nullptr;
    }
    return v;
  }

  // Lists of objects keyed by a required `name` (env, imagePullSecrets): calls
  // visit(entry, path, name) for each object, name empty when missing or invalid
  // (already reported). Returns the list, or nullptr when absent or not an array.
  template <typename Visit>
  const json* namedEntries(const json& obj, const std::string& key, const std::string& path,
                           Visit visit) {
    const json* list = array(obj, key, path);
    if (!list) return nullptr;
    for (size_t i = 0; i < list->size(); ++i) {
      std::string entryPath = path + "[" + std::to_string(i) + "]";
      const json& e = (*list)[i];
      if (!e.is_object()) {
        typeError(entryPath, e, "an object");
        continue;
      }
      auto name = str(e, "name", entryPath + ".name");
      if (!name || name->empty()) {
        if (!member(e, "name") || name) error(entryPath + ".name", "Required value");
        name = std::string();
      }
      visit(e, entryPath, *name);
    }
    return list;
  }

  // An enum value; unknown values are errors listing the supported ones.
  std::optional<std::string> enumValue(const json& obj, const std::string& key,
                                       const std::string& path,
                                       std::initializer_list<const char*> allowed) {
    auto v = str(obj, key, path);
    if (!v) return std::nullopt;
    for (const char* a : allowed) {
      if (*v == a) return v;
    }
    std::string supported;
    for (const char* a : allowed) {
      if (!supported.empty()) supported += ", ";
      supported += std::string("\"") + a + "\"";
    }
    error(path, "unsupported value \"" + *v + "\": supported values " + supported);
    return std::nullopt;
  }

  // {name, key}: name required and non-empty, key defaulted.
  std::optional<SecretKeyRef> secretKeyRef(const json& obj, const std::string& key,
                                           const std::string& path, const char* defaultKey) {
    const json* ref = object(obj, key, path);
    if (!ref) return std::nullopt;
    auto name = str(*ref, "name", path + ".name");
    if (!name || name->empty()) {
      if (!member(*ref, "name"))
        error(path + ".name", "Required value");
      else if (name)
        error(path + ".name", "must not be empty");
      return std::nullopt;
    }
    auto k = str(*ref, "key", path + ".key");
    SecretKeyRef out{*name, k && !k->empty() ? *k : defaultKey};
    return out;
  }

 private:
  std::vector<FieldError>* errors_;
};

// A value we copy into an error message: bounded and printable, so a huge or
// binary value cannot flood a condition message.
std::string quotedValue(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < 80; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += std::isprint(c) ? static_cast<char>(c) : '?';
  }
  if (s.size() > 80) out += "...";
  return out + "\"";
}

// Goes into an env var the agent opens as a file: absolute, printable, no "..".
bool isAbsoluteFilePath(const std::string& p) {
  if (p.size() < 2 || p.size() > 4096 || p[0] != '/' || p.back() == '/') return false;
  for (unsigned char c : p) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return p.find("/../") == std::string::npos && p.find("/./") == std::string::npos &&
         p.compare(p.size() - 3, 3, "/..") != 0;
}

void parseMetadata(const json& object, Reader& r, ClusterAgentMeta* meta) {
  const json* md = r.object(object, "metadata", "metadata");
  if (!md) {
    r.error("metadata", "Required value");
    return;
  }
  meta->name = r.str(*md, "name", "metadata.name").value_or("");
  meta->ns = r.str(*md, "namespace", "metadata.namespace").value_or("");
  meta->uid = r.str(*md, "uid", "metadata.uid").value_or("");
  if (const json* g = r.member(*md, "generation"); g && g->is_number_integer()) {
    meta->generation = g->get<int64_t>();
  }
  if (meta->name.empty()) {
    r.error("metadata.name", "Required value");
  } else if (!isClusterAgentName(meta->name)) {
    r.error("metadata.name", "invalid value " + quotedValue(meta->name) +
                                 ": must be a DNS-1035 label of at most " +
                                 std::to_string(kMaxClusterAgentNameLength) +
                                 " characters (lowercase letters, digits and '-', starting with a "
                                 "letter), as the agent's Service is named <name>-agent-metrics");
  }
  if (meta->ns.empty()) r.error("metadata.namespace", "Required value");
}

void parseConnection(const json& s, Reader& r, ClusterAgentSpec* spec) {
  if (auto v = r.str(s, "serverAddr", "spec.serverAddr")) {
    spec->serverAddr = *v;
    std::string why;
    if (auto addr = parseServerAddr(*v, &why)) {
      spec->serverHost = addr->host;
      spec->serverPort = addr->port;
    } else {
      r.error("spec.serverAddr", "invalid value " + quotedValue(*v) + ": " + why);
    }
  } else if (!r.member(s, "serverAddr")) {
    r.error("spec.serverAddr", "Required value");
  }

  if (auto v = r.str(s, "clusterName", "spec.clusterName")) {
    spec->clusterName = *v;
    if (!isDns1123Label(*v)) {
      r.error("spec.clusterName",
              "invalid value " + quotedValue(*v) +
                  ": must be a DNS-1123 label (lower case alphanumerics and '-', starting and "
                  "ending with an alphanumeric, at most 63 characters)");
    }
  } else if (!r.member(s, "clusterName")) {
    r.error("spec.clusterName", "Required value");
  }
}

void parseCredentials(const json& s, Reader& r, ClusterAgentSpec* spec, ParseResult* out) {
  if (auto v = r.str(s, "authToken", "spec.authToken")) {
    if (v->empty()) {
      r.error("spec.authToken", "must not be empty");
    } else {
      spec->authToken = *v;
      out->warnings.push_back(
          {"spec.authToken", "InlineAuthToken",
           "the token is stored in the ClusterAgent itself; move it to a Secret and use "
           "authTokenSecretRef"});
    }
  }
  spec->authTokenSecretRef =
      r.secretKeyRef(s, "authTokenSecretRef", "spec.authTokenSecretRef", kDefaultTokenKey);
  if (spec->authToken && spec->authTokenSecretRef) {
    r.error("spec.authTokenSecretRef",
            "authToken and authTokenSecretRef are mutually exclusive: set only one");
  }

  std::optional<std::string> method;
  if (const json* auth = r.object(s, "auth", "spec.auth")) {
    method = r.enumValue(*auth, "method", "spec.auth.method", {"userpass", "mtls", "header"});
    if (!method && r.member(*auth, "method")) spec->authMethodExplicit = true;  // invalid, reported
    if (const json* cert =
            r.object(*auth, "clientCertSecretRef", "spec.auth.clientCertSecretRef")) {
      auto name = r.str(*cert, "name", "spec.auth.clientCertSecretRef.name");
      if (name && !name->empty()) {
        spec->clientCertSecretName = *name;
      } else if (!r.member(*cert, "name") || name) {
        r.error("spec.auth.clientCertSecretRef.name", "Required value");
      }
    }
  }

  if (method) {
    spec->authMethodExplicit = true;
    spec->authMethod = *method == "userpass" ? AuthMethod::kUserpass
                       : *method == "mtls"   ? AuthMethod::kMtls
                                             : AuthMethod::kHeader;
  } else {
    spec->authMethod = spec->hasTokenSource() ? AuthMethod::kUserpass : AuthMethod::kMtls;
  }

  // A token only means something to userpass: anything else would silently
  // ignore it, which hides a mistake.
  if (spec->authMethodExplicit && method) {
    if (spec->authMethod == AuthMethod::kUserpass && !spec->hasTokenSource() &&
        !r.member(s, "authToken") && !r.member(s, "authTokenSecretRef")) {
      r.error("spec.auth.method",
              "userpass needs a token: set spec.authTokenSecretRef (or spec.authToken)");
    }
    if (spec->authMethod != AuthMethod::kUserpass && spec->hasTokenSource()) {
      r.error(spec->authToken ? "spec.authToken" : "spec.authTokenSecretRef",
              std::string("is only used with auth.method userpass, not ") +
                  authMethodName(spec->authMethod));
    }
  }
}

void parseTls(const json& s, Reader& r, ClusterAgentSpec* spec, ParseResult* out) {
  const json* tls = r.object(s, "tls", "spec.tls");
  if (!tls) return;
  spec->caSecretRef = r.secretKeyRef(*tls, "caSecretRef", "spec.tls.caSecretRef", kDefaultCaKey);
  if (auto path = r.str(*tls, "rootCAPath", "spec.tls.rootCAPath")) {
    if (!isAbsoluteFilePath(*path)) {
      r.error("spec.tls.rootCAPath", "invalid value " + quotedValue(*path) +
                                         ": must be an absolute file path inside the agent image");
    } else if (spec->caSecretRef) {
      r.error("spec.tls.rootCAPath",
              "spec.tls.caSecretRef and spec.tls.rootCAPath are mutually "
              "exclusive: the agent trusts exactly one CA bundle");
    } else {
      spec->rootCAPath = *path;
    }
  }
  spec->insecureSkipVerify =
      r.boolean(*tls, "insecureSkipVerify", "spec.tls.insecureSkipVerify").value_or(false);
  if (spec->insecureSkipVerify) {
    out->warnings.push_back({"spec.tls.insecureSkipVerify", "InsecureSkipVerify",
                             "the principal's certificate is not verified"});
    if (spec->caSecretRef || !spec->rootCAPath.empty()) {
      const char* field = spec->caSecretRef ? "tls.caSecretRef" : "tls.rootCAPath";
      out->warnings.push_back(
          {std::string("spec.") + field, "CAIgnored",
           std::string(field) + " is ignored while tls.insecureSkipVerify is true"});
    }
  }
}

void parseAgent(const json& s, Reader& r, const ParseOptions& options, ClusterAgentSpec* spec) {
  if (auto m = r.enumValue(s, "mode", "spec.mode", {"managed", "autonomous"})) {
    spec->mode = *m == "autonomous" ? AgentMode::kAutonomous : AgentMode::kManaged;
  }
  spec->argocdNamespace = spec->meta.ns;
  if (auto ns = r.str(s, "argocdNamespace", "spec.argocdNamespace")) {
    if (!isDns1123Label(*ns)) {
      r.error("spec.argocdNamespace",
              "invalid value " + quotedValue(*ns) + ": must be a DNS-1123 label");
    } else {
      spec->argocdNamespace = *ns;
    }
  }
  spec->image = r.str(s, "image", "spec.image").value_or("");
  if (spec->image.empty()) spec->image = options.defaultImage;
  if (spec->image.empty())
    r.error("spec.image", "Required value (the operator has no default image)");
  spec->imagePullPolicy =
      r.enumValue(s, "imagePullPolicy", "spec.imagePullPolicy", {"Always", "IfNotPresent", "Never"})
          .value_or("");
  r.namedEntries(s, "imagePullSecrets", "spec.imagePullSecrets",
                 [&](const json&, const std::string&, const std::string& name) {
                   if (!name.empty()) spec->imagePullSecrets.push_back(name);
                 });
  if (const json* rep = r.member(s, "replicas")) {
    if (!rep->is_number_integer()) {
      r.typeError("spec.replicas", *rep, "an integer");
    } else if (int64_t n = rep->get<int64_t>(); n != 0 && n != 1) {
      r.error("spec.replicas", "invalid value " + std::to_string(n) + ": must be 0 or 1");
    } else {
      spec->replicas = static_cast<int>(n);
    }
  }
}

void parsePod(const json& s, Reader& r, ClusterAgentSpec* spec) {
  if (const json* v = r.object(s, "resources", "spec.resources")) spec->resources = *v;
  if (const json* ns = r.object(s, "nodeSelector", "spec.nodeSelector")) {
    for (auto it = ns->begin(); it != ns->end(); ++it) {
      if (!it->is_string()) {
        r.typeError("spec.nodeSelector." + it.key(), *it, "a string");
        continue;
      }
      spec->nodeSelector[it.key()] = it->get<std::string>();
    }
  }
  if (const json* t = r.array(s, "tolerations", "spec.tolerations")) {
    for (size_t i = 0; i < t->size(); ++i) {
      if (!(*t)[i].is_object()) {
        r.typeError("spec.tolerations[" + std::to_string(i) + "]", (*t)[i], "an object");
      }
    }
    spec->tolerations = *t;
  }
  if (const json* a = r.object(s, "affinity", "spec.affinity")) spec->affinity = *a;
  spec->priorityClassName = r.str(s, "priorityClassName", "spec.priorityClassName").value_or("");
  const json* env = r.namedEntries(
      s, "env", "spec.env", [&](const json& e, const std::string& path, const std::string& name) {
        if (auto hint = reservedAgentEnvHint(name)) {
          r.error(path + ".name",
                  name +
                      " may not be set in spec.env: the operator owns the agent's connection "
                      "and security settings; " +
                      *hint,
                  kReasonReservedAgentEnv);
        }
        r.str(e, "value", path + ".value");
        if (r.member(e, "value") && r.member(e, "valueFrom")) {
          r.error(path + ".valueFrom", "may not be specified when value is not empty");
        }
      });
  if (env) spec->env = *env;
}

void parseProxy(const json& proxy, Reader& r, ClusterAgentSpec* spec) {
  std::string plain = r.str(proxy, "httpsProxy", "spec.proxy.httpsProxy").value_or("");
  spec->proxy.httpsProxySecretRef = r.secretKeyRef(
      proxy, "httpsProxySecretRef", "spec.proxy.httpsProxySecretRef", kDefaultProxyKey);
  spec->proxy.noProxy = r.str(proxy, "noProxy", "spec.proxy.noProxy").value_or("");
  if (r.member(proxy, "httpsProxy") && spec->proxy.httpsProxySecretRef) {
    r.error("spec.proxy.httpsProxySecretRef",
            "httpsProxy and httpsProxySecretRef are mutually exclusive: set only one");
  } else if (proxyUrlHasUserinfo(plain)) {
    // Never quoted: the value is the credential. The CRD refuses it too; this
    // catches objects admitted before that rule.
    r.error("spec.proxy.httpsProxy",
            "must not carry credentials (user:password@host), which anyone who can read the "
            "ClusterAgent or the agent's pod spec would see: put the proxy URL into a Secret and "
            "set spec.proxy.httpsProxySecretRef",
            kReasonProxyCredentialsInSpec);
  } else {
    spec->proxy.httpsProxy = plain;
  }
}

void parseTuning(const json& s, Reader& r, ClusterAgentSpec* spec) {
  spec->logLevel =
      r.enumValue(s, "logLevel", "spec.logLevel", {"trace", "debug", "info", "warn", "error"})
          .value_or("info");
  spec->logFormat =
      r.enumValue(s, "logFormat", "spec.logFormat", {"text", "json"}).value_or("text");
  if (auto k = r.str(s, "keepAliveInterval", "spec.keepAliveInterval")) {
    if (!isGoDuration(*k)) {
      r.error("spec.keepAliveInterval", "invalid value " + quotedValue(*k) +
                                            ": must be a duration such as \"30s\" or \"1m30s\"");
    } else {
      spec->keepAliveInterval = *k;
    }
  }
  spec->enableWebSocket = r.boolean(s, "enableWebSocket", "spec.enableWebSocket");
  spec->enableCompression = r.boolean(s, "enableCompression", "spec.enableCompression");

  if (const json* redis = r.object(s, "redis", "spec.redis")) {
    spec->redis.address = r.str(*redis, "address", "spec.redis.address").value_or("");
    spec->redis.passwordSecretRef = r.secretKeyRef(
        *redis, "passwordSecretRef", "spec.redis.passwordSecretRef", kDefaultRedisPasswordKey);
  }
  // A short name resolves only in the pod's own namespace; Argo CD's redis
  // lives in argocdNamespace.
  if (spec->redis.address.empty()) {
    spec->redis.address = std::string(kDefaultRedisService) + "." + spec->argocdNamespace +
                          ".svc:" + std::to_string(kDefaultRedisPort);
  }
  if (const json* proxy = r.object(s, "proxy", "spec.proxy")) parseProxy(*proxy, r, spec);
  if (const json* rbac = r.object(s, "rbac", "spec.rbac")) {
    spec->rbac.clusterWide =
        r.boolean(*rbac, "clusterWide", "spec.rbac.clusterWide").value_or(false);
    if (const json* rules = r.array(*rbac, "extraRules", "spec.rbac.extraRules")) {
      for (size_t i = 0; i < rules->size(); ++i) {
        std::string path = "spec.rbac.extraRules[" + std::to_string(i) + "]";
        const json& rule = (*rules)[i];
        if (!rule.is_object()) {
          r.typeError(path, rule, "an object");
          continue;
        }
        for (const char* list : {"apiGroups", "resources", "resourceNames", "verbs"}) {
          if (const json* l = r.array(rule, list, path + "." + list)) {
            for (size_t j = 0; j < l->size(); ++j) {
              if (!(*l)[j].is_string()) {
                r.typeError(path + "." + list + "[" + std::to_string(j) + "]", (*l)[j], "a string");
              }
            }
          }
        }
        const json* verbs = r.member(rule, "verbs");
        if (!verbs || (verbs->is_array() && verbs->empty())) {
          r.error(path + ".verbs", "Required value");
        }
        if (r.member(rule, "nonResourceURLs")) {
          r.error(path + ".nonResourceURLs", "not allowed in a Role (namespaced rules only)");
        }
      }
      spec->rbac.extraRules = *rules;
    }
  }
}

}  // namespace

ParseResult parseClusterAgent(const json& object, const ParseOptions& options) {
  ParseResult out;
  Reader r(&out.errors);
  ClusterAgentSpec& spec = out.spec;
  if (!object.is_object()) {
    r.typeError("", object, "an object");
    return out;
  }
  parseMetadata(object, r, &spec.meta);
  const json* s = r.object(object, "spec", "spec");
  if (!s) {
    if (!r.member(object, "spec")) r.error("spec", "Required value");
    return out;
  }
  // Checked first, so that nothing below copies such a field.
  bool tooDeep = false;
  for (auto it = s->begin(); it != s->end(); ++it) {
    const size_t depth = nestingDepth(*it);
    if (depth > kMaxSpecFieldNesting) {
      r.error("spec." + it.key(), "nested " + std::to_string(depth) + " levels deep; at most " +
                                      std::to_string(kMaxSpecFieldNesting) + " are allowed");
      tooDeep = true;
    }
  }
  if (tooDeep) return out;
  parseConnection(*s, r, &spec);
  parseCredentials(*s, r, &spec, &out);
  parseTls(*s, r, &spec, &out);
  parseAgent(*s, r, options, &spec);
  parsePod(*s, r, &spec);
  parseTuning(*s, r, &spec);
  return out;
}

}  // namespace clusteragent
