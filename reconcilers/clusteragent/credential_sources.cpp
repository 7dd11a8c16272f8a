#include "reconcilers/clusteragent/credential_sources.h"

#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/credentials_hash.h"
#include "reconcilers/clusteragent/secret_digest.h"

namespace clusteragent {
namespace {

const std::string kEmptySha = sha256Hex("");

struct Lookup {
  const json* digest = nullptr;  // the key's digest entry
  std::string reason;            // empty when found and non-empty
  std::string message;
};

// Finds key in the cached Secret ns/name; field names the spec field for messages.
Lookup lookup(const ctrl::cache::Store& secrets, const std::string& ns, const std::string& name,
              const std::string& key, const std::string& field, ctrl::cache::ObjectPtr* pin) {
  Lookup l;
  *pin = secrets.get(ctrl::cache::objectKey(ns, name));
  const std::string where = "Secret " + ns + "/" + name + " (" + field + ")";
  if (!*pin) {
    l.reason = "SecretNotFound";
    l.message = where + " not found";
    return l;
  }
  l.digest = dataDigest(**pin, key);
  if (l.digest == nullptr) {
    l.reason = "SecretKeyMissing";
    l.message = where + " has no key \"" + key + "\"";
    return l;
  }
  if (l.digest->value("sha256", "") == kEmptySha) {
    l.digest = nullptr;
    l.reason = "SecretKeyEmpty";
    l.message = where + " key \"" + key + "\" is empty";
  }
  return l;
}

bool pemIs(const json* digest, const std::string& kind) {
  return digest != nullptr && digest->value("pem", "") == kind;
}

// Argo CD's redis password when redis.passwordSecretRef is unset: a warning,
// not a gate (without it the agent still connects; only its redis calls fail
// with NOAUTH). Empty when there is nothing to warn about.
std::string redisPasswordWarning(const ClusterAgentSpec& spec, const std::string& ns,
                                 const ctrl::cache::Store& secrets) {
  if (spec.redis.passwordSecretRef || envSets(spec.env, "REDIS_PASSWORD")) return "";
  if (auto def = defaultRedisPasswordRef(spec)) {
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, def->name, def->key, "Argo CD's redis password", &pin);
    if (l.reason.empty()) return "";
    return l.message +
           ": the agent talks to redis without a password, which Argo CD's redis refuses "
           "(NOAUTH); set spec.redis.passwordSecretRef if the password is elsewhere";
  }
  return "the agent runs in namespace " + ns + " and cannot read Secret " + spec.argocdNamespace +
         "/" + kDefaultRedisPasswordSecret +
         " (a pod reads only its own namespace's Secrets): put the redis password into a Secret "
         "in " +
         ns + " and set spec.redis.passwordSecretRef";
}

}  // namespace

CredentialSources resolveCredentialSources(const ClusterAgentSpec& spec, const std::string& ns,
                                           const ctrl::cache::Store& secrets) {
  CredentialSources out;
  const std::string method = authMethodName(spec.authMethod);
  std::vector<CredentialPart> parts = {{"method", method}, {"clusterName", spec.clusterName}};
  auto notReady = [&](std::string reason, std::string message) {
    out.assessment.ready = false;
    out.assessment.reason = std::move(reason);
    out.assessment.message = std::move(message);
    return out;
  };

  out.redisPasswordWarning = redisPasswordWarning(spec, ns, secrets);
  out.tokenNeeded = spec.needsToken();
  out.credsSecretNeeded = spec.needsCredentialsSecret();
  if (out.tokenNeeded) {
    if (spec.authToken) {
      out.tokenInline = true;
      out.tokenDigest = sha256Hex(*spec.authToken);
    } else if (spec.authTokenSecretRef) {
      out.tokenSecretName = spec.authTokenSecretRef->name;
      out.tokenSecretKey = spec.authTokenSecretRef->key;
      ctrl::cache::ObjectPtr pin;
      Lookup l = lookup(secrets, ns, out.tokenSecretName, out.tokenSecretKey,
                        "spec.authTokenSecretRef", &pin);
      if (!l.reason.empty()) return notReady(l.reason, l.message);
      out.tokenDigest = l.digest->value("sha256", "");
    } else {
      return notReady("TokenMissing",
                      "auth method " + method + " needs a token: set spec.authTokenSecretRef");
    }
    parts.push_back({"token", out.tokenDigest});
  }
  // The proxy URL may carry credentials: it reaches the agent through the
  // creds Secret, so it is part of what that Secret derives from.
  if (spec.proxy.httpsProxySecretRef) {
    out.proxySecretName = spec.proxy.httpsProxySecretRef->name;
    out.proxySecretKey = spec.proxy.httpsProxySecretRef->key;
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, out.proxySecretName, out.proxySecretKey,
                      "spec.proxy.httpsProxySecretRef", &pin);
    if (!l.reason.empty()) {
      return notReady("ProxySecretMissing",
                      l.message +
                          ": the agent's HTTPS_PROXY comes from it, so the agent is not "
                          "started (or changed) until it is there");
    }
    parts.push_back({"proxy", l.digest->value("sha256", "")});
  }
  if (out.credsSecretNeeded) out.sourceHash = credentialsHash(parts);

  if (spec.caSecretRef) {
    const std::string& key = spec.caSecretRef->key;
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, spec.caSecretRef->name, key, "spec.tls.caSecretRef", &pin);
    if (!l.reason.empty()) return notReady(l.reason, l.message);
    if (!pemIs(l.digest, "certificate")) {
      return notReady("InvalidCertificate", "Secret " + ns + "/" + spec.caSecretRef->name +
                                                " (spec.tls.caSecretRef) key \"" + key +
                                                "\" is not a PEM certificate bundle");
    }
    parts.push_back({"ca/" + key, l.digest->value("sha256", "")});
  }

  // The client certificate: the operator mounts spec.auth.clientCertSecretRef,
  // otherwise the agent loads its default Secret from argocdNamespace itself
  // and exits when it is missing (agent_default_secrets.h).
  auto clientCert = [&](const std::string& certNs, const std::string& name,
                        const std::string& field) -> bool {
    for (const auto& [key, kind] : {std::pair<std::string, std::string>{"tls.crt", "certificate"},
                                    {"tls.key", "privateKey"}}) {
      ctrl::cache::ObjectPtr pin;
      Lookup l = lookup(secrets, certNs, name, key, field, &pin);
      if (!l.reason.empty()) {
        notReady(l.reason, l.message);
        return false;
      }
      if (!pemIs(l.digest, kind)) {
        notReady(kind == "certificate" ? "InvalidCertificate" : "InvalidPrivateKey",
                 "Secret " + certNs + "/" + name + " (" + field + ") key \"" + key +
                     "\" is not a PEM " + (kind == "certificate" ? "certificate" : "private key"));
        return false;
      }
      parts.push_back({"client/" + key, l.digest->value("sha256", "")});
    }
    return true;
  };
  if (spec.clientCertSecretName) {
    if (!clientCert(ns, *spec.clientCertSecretName, "spec.auth.clientCertSecretRef")) return out;
  } else if (auto name = defaultClientCertSecretName(spec.env)) {
    const std::string& agentNs = spec.argocdNamespace;
    if (!secrets.get(ctrl::cache::objectKey(agentNs, *name))) {
      return notReady("ClientCertificateMissing",
                      "Secret " + agentNs + "/" + *name +
                          " not found: without spec.auth.clientCertSecretRef the agent loads its "
                          "TLS client certificate from it and exits when it is missing; create "
                          "it (type kubernetes.io/tls, keys tls.crt and tls.key) or set "
                          "spec.auth.clientCertSecretRef");
    }
    if (!clientCert(agentNs, *name, "the agent's default client certificate")) return out;
  }

  // With no CA of the operator's, the agent loads every key of its default CA
  // Secret as PEM certificates and exits when it is missing or one is not
  // (upstream internal/tlsutil X509CertPoolFromSecret).
  if (auto name = agentDefaultCaSecret(spec)) {
    const std::string& agentNs = spec.argocdNamespace;
    const std::string where = "Secret " + agentNs + "/" + *name + " (the agent's default CA)";
    auto ca = secrets.get(ctrl::cache::objectKey(agentNs, *name));
    if (!ca) {
      return notReady("CAMissing",
                      "Secret " + agentNs + "/" + *name +
                          " not found: without spec.tls.caSecretRef or spec.tls.rootCAPath the "
                          "agent loads the CA that verifies the principal from it and exits when "
                          "it is missing; create it (key ca.crt, as `argocd-agentctl pki "
                          "propagate` does), set spec.tls.caSecretRef, or set spec.tls.rootCAPath "
                          "to the agent image's CA bundle for a publicly trusted principal");
    }
    const json digests = ca->value(kDataDigestField, json::object());
    if (digests.empty()) return notReady("SecretKeyMissing", where + " has no data");
    for (const auto& [key, digest] : digests.items()) {
      if (!pemIs(&digest, "certificate")) {
        return notReady("InvalidCertificate", where + " key \"" + key +
                                                  "\" is not a PEM certificate bundle (the agent "
                                                  "reads every key of this Secret as one)");
      }
      parts.push_back({"ca/" + key, digest.value("sha256", "")});
    }
  }

  if (spec.redis.passwordSecretRef) {
    const auto& ref = *spec.redis.passwordSecretRef;
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, ref.name, ref.key, "spec.redis.passwordSecretRef", &pin);
    if (!l.reason.empty()) return notReady(l.reason, l.message);
    parts.push_back({"redis/" + ref.key, l.digest->value("sha256", "")});
  } else if (auto def = defaultRedisPasswordRef(spec)) {
    // Optional in the pod, but its rotation must roll the agent too.
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, def->name, def->key, "the default redis password", &pin);
    if (l.reason.empty()) parts.push_back({"redis/" + def->key, l.digest->value("sha256", "")});
  }

  out.assessment.ready = true;
  out.assessment.reason = "CredentialsReady";
  out.assessment.message = "every referenced credential Secret is present and well-formed";
  out.assessment.hash = credentialsHash(parts);
  return out;
}

}  // namespace clusteragent
