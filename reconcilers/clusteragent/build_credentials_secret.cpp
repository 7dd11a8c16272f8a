#include "reconcilers/clusteragent/build_credentials_secret.h"

#include <openssl/evp.h>

#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

namespace {
std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}
}  // namespace

DesiredObject buildCredentialsSecret(const ClusterAgentSpec& spec, const CredentialValues& values) {
  const auto& m = spec.meta;
  // The agent reads the first line as <client id>:<secret>; the client id is
  // the agent name the principal knows.
  nlohmann::json secret = {{"apiVersion", "v1"},
                           {"kind", "Secret"},
                           {"metadata", childMetadata(m, credentialsSecretName(m), m.ns)},
                           {"type", "Opaque"},
                           {"data", nlohmann::json::object()}};
  if (spec.needsToken()) {
    secret["data"][kUserpassCredsKey] = base64(spec.clusterName + ":" + values.token);
  }
  if (spec.proxy.httpsProxySecretRef) {
    secret["data"][kHttpsProxyCredsKey] = base64(values.httpsProxy);
  }
  return {ctrl::kube::resources::kSecrets, std::move(secret), canOwnerReference(m, m.ns)};
}

nlohmann::json withoutTokenDerivedFields(nlohmann::json secret) {
  secret.erase("data");
  secret.erase("stringData");
  auto md = secret.find("metadata");
  if (md != secret.end() && md->contains("annotations")) {
    nlohmann::json& ann = (*md)["annotations"];
    ann.erase(kCredsSourceAnnotation);
    ann.erase(kCredsDataAnnotation);
    if (ann.empty()) md->erase("annotations");
  }
  return secret;
}

}  // namespace clusteragent
