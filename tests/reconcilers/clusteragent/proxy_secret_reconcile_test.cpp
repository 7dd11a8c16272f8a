// spec.proxy.httpsProxySecretRef through the reconciler: the URL (which may
// carry proxy credentials) reaches the agent only through the creds Secret.

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/clusteragent_reconciler.h"
#include "reconcilers/clusteragent/condition_types.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

using Kind = ctrl::queue::Result::Kind;
using testsupport::base64Encode;
const std::string kProxyUrl = "http://agent:PROXY-PASSWORD-1@proxy.internal:3128";
const std::string kCreds = "aro-agent-agent-creds";

class ProxySecretReconcileTest : public ReconcilerFixture {
 protected:
  void seedAgent(json proxy = {{"httpsProxySecretRef", {{"name", "egress"}}}}) {
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent",
                                             {{"serverAddr", "https://argocd.example.com"},
                                              {"clusterName", "aro-prod"},
                                              {"proxy", std::move(proxy)}}));
    seedDefaultTlsSecrets();
  }
  void seedProxy(const std::string& url = kProxyUrl) {
    fake_->seed(res::kSecrets, secret("argocd", "egress", {{"httpsProxy", url}}));
  }
  std::optional<json> deployment() const {
    return fake_->object(res::kDeployments, "argocd", "aro-agent-agent");
  }
  std::string credsHash() const {
    return (*deployment())["spec"]["template"]["metadata"]["annotations"].value(
        "argoproj.io/credentials-hash", "");
  }
};

TEST_F(ProxySecretReconcileTest, TheUrlReachesTheAgentThroughTheCredsSecret) {
  seedAgent();
  seedProxy();
  converge();
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  auto creds = fake_->object(res::kSecrets, "argocd", kCreds);
  ASSERT_TRUE(creds.has_value()) << "mtls with a proxy Secret still needs the creds Secret";
  EXPECT_EQ((*creds)["data"][kHttpsProxyCredsKey], base64Encode(kProxyUrl));
  EXPECT_FALSE((*creds)["data"].contains(kUserpassCredsKey));
  ASSERT_TRUE(deployment().has_value());
  const json d = *deployment();  // the loop below must not range over a temporary's member
  json env;
  for (const auto& e : d["spec"]["template"]["spec"]["containers"][0]["env"]) {
    if (e["name"] == "HTTPS_PROXY") env = e;
  }
  EXPECT_EQ(env["valueFrom"]["secretKeyRef"],
            json({{"name", kCreds}, {"key", kHttpsProxyCredsKey}}));
  expectNowhereButSecrets(kProxyUrl);
  expectNowhereButSecrets("PROXY-PASSWORD-1");
}

TEST_F(ProxySecretReconcileTest, ChangingTheProxySecretRollsTheAgent) {
  seedAgent();
  seedProxy();
  converge();
  const std::string hash1 = credsHash();
  const std::string url2 = "http://agent:PROXY-PASSWORD-2@proxy.internal:3128";
  seedProxy(url2);
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_NE(credsHash(), hash1);
  EXPECT_EQ((*fake_->object(res::kSecrets, "argocd", kCreds))["data"][kHttpsProxyCredsKey],
            base64Encode(url2));
  expectNowhereButSecrets("PROXY-PASSWORD-2");
}

TEST_F(ProxySecretReconcileTest, AMissingSecretOrKeyIsProxySecretMissingAndAppliesNoAgent) {
  seedAgent();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  json c = condition(kCredentialsReady);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "ProxySecretMissing");
  EXPECT_NE(c["message"].get<std::string>().find("argocd/egress"), std::string::npos);
  EXPECT_FALSE(deployment().has_value());
  EXPECT_FALSE(fake_->object(res::kSecrets, "argocd", kCreds).has_value());

  fake_->seed(res::kSecrets, secret("argocd", "egress", {{"other", "x"}}));
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["reason"], "ProxySecretMissing");
  EXPECT_NE(condition(kCredentialsReady)["message"].get<std::string>().find("\"httpsProxy\""),
            std::string::npos);
  EXPECT_FALSE(deployment().has_value());

  seedProxy();
  converge();
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  EXPECT_TRUE(deployment().has_value());
}

TEST_F(ProxySecretReconcileTest, DroppingTheRefRemovesTheCredsSecretOfAnMtlsAgent) {
  seedAgent();
  seedProxy();
  converge();
  ASSERT_TRUE(fake_->object(res::kSecrets, "argocd", kCreds).has_value());
  seedAgent({{"httpsProxy", "http://proxy.internal:3128"}});
  converge();
  EXPECT_FALSE(fake_->object(res::kSecrets, "argocd", kCreds).has_value());
}

TEST_F(ProxySecretReconcileTest, CredentialsInAPlainHttpsProxyAreRefusedUnquoted) {
  seedAgent({{"httpsProxy", kProxyUrl}});
  seedProxy();
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  EXPECT_EQ(condition(kSpecValid)["status"], "False");
  EXPECT_EQ(condition(kSpecValid)["reason"], "ProxyCredentialsInSpec");
  EXPECT_NE(condition(kSpecValid)["message"].get<std::string>().find("httpsProxySecretRef"),
            std::string::npos);
  EXPECT_FALSE(deployment().has_value());
  expectOnlyStatusWrites();
  expectNowhereButSecrets("PROXY-PASSWORD-1");
}

TEST(ProxySecretReferences, TheIndexMapsTheProxySecretBack) {
  json ca = clusterAgent("argocd", "aro-agent",
                         {{"proxy", {{"httpsProxySecretRef", {{"name", "egress"}}}}}});
  auto keys = referencedSecretKeys(ca);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "argocd/egress"), keys.end());
}

}  // namespace
}  // namespace clusteragent::testing
