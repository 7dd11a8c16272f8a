#include "reconcilers/clusteragent/agent_default_secrets.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

using nlohmann::json;

json env(std::initializer_list<std::pair<const char*, const char*>> vars) {
  json out = json::array();
  for (const auto& [name, value] : vars) out.push_back({{"name", name}, {"value", value}});
  return out;
}

TEST(AgentDefaultSecretsTest, UpstreamDefaultWithoutOverrides) {
  EXPECT_EQ(defaultClientCertSecretName(json()), "argocd-agent-client-tls");
  EXPECT_EQ(defaultClientCertSecretName(json::array()), "argocd-agent-client-tls");
  EXPECT_EQ(defaultClientCertSecretName(env({{"ARGOCD_AGENT_LOG_LEVEL", "debug"}})),
            "argocd-agent-client-tls");
  EXPECT_EQ(defaultClientCertSecretName(json("not an array")), "argocd-agent-client-tls");
}

TEST(AgentDefaultSecretsTest, SecretNameOverrideTheLastEntryWins) {
  EXPECT_EQ(defaultClientCertSecretName(env(
                {{"ARGOCD_AGENT_TLS_SECRET_NAME", "a"}, {"ARGOCD_AGENT_TLS_SECRET_NAME", "b"}})),
            "b");
  // A valueFrom is not resolvable here: the default is assumed.
  json fromSecret =
      json::array({{{"name", "ARGOCD_AGENT_TLS_SECRET_NAME"},
                    {"valueFrom", {{"configMapKeyRef", {{"name", "cm"}, {"key", "k"}}}}}}});
  EXPECT_EQ(defaultClientCertSecretName(fromSecret), "argocd-agent-client-tls");
}

TEST(AgentDefaultSecretsTest, PlaintextLoadsNoCertificate) {
  for (const char* yes : {"true", "True", "TRUE", "t", "T", "1"}) {
    EXPECT_EQ(defaultClientCertSecretName(env({{"ARGOCD_AGENT_INSECURE_PLAINTEXT", yes}})),
              std::nullopt)
        << yes;
  }
  for (const char* no : {"false", "0", "yes", ""}) {
    EXPECT_EQ(defaultClientCertSecretName(env({{"ARGOCD_AGENT_INSECURE_PLAINTEXT", no}})),
              "argocd-agent-client-tls")
        << no;
  }
}

TEST(AgentDefaultSecretsTest, FilePathsReplaceTheSecretOnlyWhenBothAreSet) {
  EXPECT_EQ(defaultClientCertSecretName(env({{"ARGOCD_AGENT_TLS_CLIENT_CERT_PATH", "/c"},
                                             {"ARGOCD_AGENT_TLS_CLIENT_KEY_PATH", "/k"}})),
            std::nullopt);
  // Upstream exits on only one of them; the Secret check is then moot but harmless.
  EXPECT_EQ(defaultClientCertSecretName(env({{"ARGOCD_AGENT_TLS_CLIENT_CERT_PATH", "/c"}})),
            "argocd-agent-client-tls");
}

}  // namespace
}  // namespace clusteragent
