#include "reconcilers/clusteragent/credential_sources.h"

#include <algorithm>

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

}  // namespace

std::string credentialsHash(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  std::string text;
  for (const auto& p : parts) text += p + "\n";
  return sha256Hex(text);
}

CredentialSources resolveCredentialSources(const ClusterAgentSpec& spec, const std::string& ns,
                                           const ctrl::cache::Store& secrets) {
  CredentialSources out;
  std::vector<std::string> parts = {"method=" + spec.authMethod, "clusterName=" + spec.clusterName};
  auto notReady = [&](std::string reason, std::string message) {
    out.assessment.ready = false;
    out.assessment.reason = std::move(reason);
    out.assessment.message = std::move(message);
    return out;
  };

  out.tokenNeeded = spec.authMethod != "mtls";
  if (!spec.authToken.empty()) {
    out.tokenInline = true;
    out.tokenDigest = sha256Hex(spec.authToken);
  } else if (spec.authTokenSecretRef) {
    out.tokenSecretName = spec.authTokenSecretRef->name;
    out.tokenSecretKey = spec.authTokenSecretRef->key.empty() ? "token" : spec.authTokenSecretRef->key;
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, out.tokenSecretName, out.tokenSecretKey,
                      "spec.authTokenSecretRef", &pin);
    if (!l.reason.empty()) return notReady(l.reason, l.message);
    out.tokenDigest = l.digest->value("sha256", "");
  } else if (out.tokenNeeded) {
    return notReady("TokenMissing", "auth method " + spec.authMethod +
                                        " needs a token: set spec.authTokenSecretRef");
  }
  if (!out.tokenDigest.empty()) parts.push_back("token=" + out.tokenDigest);

  if (spec.caSecretRef) {
    const std::string key = spec.caSecretRef->key.empty() ? "ca.crt" : spec.caSecretRef->key;
    ctrl::cache::ObjectPtr pin;
    Lookup l = lookup(secrets, ns, spec.caSecretRef->name, key, "spec.tls.caSecretRef", &pin);
    if (!l.reason.empty()) return notReady(l.reason, l.message);
    if (!pemIs(l.digest, "certificate")) {
      return notReady("InvalidCertificate", "Secret " + ns + "/" + spec.caSecretRef->name +
                                                " (spec.tls.caSecretRef) key \"" + key +
                                                "\" is not a PEM certificate bundle");
    }
    parts.push_back("ca=" + l.digest->value("sha256", ""));
  }

  if (spec.clientCertSecretName) {
    const std::string& name = *spec.clientCertSecretName;
    for (const auto& [key, kind] : {std::pair<std::string, std::string>{"tls.crt", "certificate"},
                                    {"tls.key", "privateKey"}}) {
      ctrl::cache::ObjectPtr pin;
      Lookup l = lookup(secrets, ns, name, key, "spec.auth.clientCertSecretRef", &pin);
      if (!l.reason.empty()) return notReady(l.reason, l.message);
      if (!pemIs(l.digest, kind)) {
        return notReady(kind == "certificate" ? "InvalidCertificate" : "InvalidPrivateKey",
                        "Secret " + ns + "/" + name + " (spec.auth.clientCertSecretRef) key \"" +
                            key + "\" is not a PEM " +
                            (kind == "certificate" ? "certificate" : "private key"));
      }
      parts.push_back(key + "=" + l.digest->value("sha256", ""));
    }
  } else if (spec.authMethod == "mtls") {
    return notReady("ClientCertificateMissing",
                    "auth method mtls needs spec.auth.clientCertSecretRef");
  }

  out.assessment.ready = true;
  out.assessment.reason = "CredentialsReady";
  out.assessment.message = "every referenced credential Secret is present and well-formed";
  out.assessment.hash = credentialsHash(parts);
  return out;
}

}  // namespace clusteragent
