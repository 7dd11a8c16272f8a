// The reconciler with TLS material and other credential sources: CA and
// client certificates, their defaults, the redis password.
#include <gtest/gtest.h>

#include "reconcilers/clusteragent/clusteragent_reconciler.h"
#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/ensure_finalizer.h"
#include "tests/reconcilers/clusteragent/clusteragent_reconciler_test_fixture.h"

namespace clusteragent::testing {
namespace {

TEST_F(ClusterAgentReconcilerTest, CaSecretMustBeAPemCertificate) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}},
                 {"tls", {{"caSecretRef", {{"name", "ca"}}}}}});
  seedToken();
  fake_->seed(res::kSecrets, secret("argocd", "ca", {{"ca.crt", "not a certificate"}}));
  reconcile();
  EXPECT_EQ(condition(kCredentialsReady)["reason"], "InvalidCertificate");
  EXPECT_NE(condition(kCredentialsReady)["message"].get<std::string>().find("argocd/ca"),
            std::string::npos);
}

// Upstream's agent exits without a client certificate: with no
// spec.auth.clientCertSecretRef it loads argocd-agent-client-tls from
// argocdNamespace, so that Secret gates the Deployment like a missing token.
TEST_F(ClusterAgentReconcilerTest, MissingDefaultClientCertIsAConditionThenItsCreationHeals) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}},
                 {"argocdNamespace", "gitops"}});
  seedToken();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  json c = condition(kCredentialsReady);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "ClientCertificateMissing");
  const std::string message = c["message"];
  EXPECT_NE(message.find("gitops/argocd-agent-client-tls"), std::string::npos) << message;
  EXPECT_NE(message.find("spec.auth.clientCertSecretRef"), std::string::npos) << message;
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_EQ(status()["phase"], "Degraded");

  // The Secret's key in the index wakes this ClusterAgent when it appears.
  sync();
  auto woken = clusterAgents_.byIndex(kSecretRefIndex, "gitops/argocd-agent-client-tls");
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_EQ((*woken[0])["metadata"]["name"], "aro-agent");

  seedDefaultTlsSecrets("gitops");
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  ASSERT_TRUE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  // The agent reads it from the API itself: nothing to mount or point it at.
  const std::string pod = deployment()["spec"]["template"].dump();
  EXPECT_EQ(pod.find("argocd-agent-client-tls"), std::string::npos);
  EXPECT_EQ(pod.find("ARGOCD_AGENT_TLS_CLIENT_CERT_PATH"), std::string::npos);

  // Rotating it rolls the agent, as for any credential it loads at start.
  const std::string hash = credsHash();
  auto other = testsupport::makeSelfSignedCertificate();
  fake_->seed(res::kSecrets,
              secret("gitops", kDefaultClientCertSecret,
                     {{"tls.crt", other.certPem}, {"tls.key", other.keyPem}}, "kubernetes.io/tls"));
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_NE(credsHash(), hash);
}

TEST_F(ClusterAgentReconcilerTest, MalformedDefaultClientCertIsNamed) {
  seedAgent();
  seedToken();
  fake_->seed(res::kSecrets,
              secret("argocd", kDefaultClientCertSecret,
                     {{"tls.crt", testpem::kCert}, {"tls.key", "not a key"}}, "kubernetes.io/tls"));
  reconcile();
  EXPECT_EQ(condition(kCredentialsReady)["reason"], "InvalidPrivateKey");
  EXPECT_NE(condition(kCredentialsReady)["message"].get<std::string>().find(
                "argocd/argocd-agent-client-tls"),
            std::string::npos);
}

// Upstream's agent exits without a CA: with neither tls.caSecretRef nor
// tls.rootCAPath it loads every key of argocd-agent-ca from argocdNamespace.
TEST_F(ClusterAgentReconcilerTest, MissingDefaultCaIsAConditionThenItsCreationHeals) {
  seedAgent();
  seedToken();
  ASSERT_TRUE(fake_->remove(res::kSecrets, "argocd", kDefaultCaSecret).isOk());
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  json c = condition(kCredentialsReady);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "CAMissing");
  const std::string message = c["message"];
  for (const char* part :
       {"argocd/argocd-agent-ca", "spec.tls.caSecretRef", "spec.tls.rootCAPath"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
  }
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());

  // Every key must be a certificate: the agent reads them all as one pool.
  fake_->seed(res::kSecrets,
              secret("argocd", kDefaultCaSecret, {{"ca.crt", testpem::kCert}, {"note", "hi"}}));
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["reason"], "InvalidCertificate");
  EXPECT_NE(condition(kCredentialsReady)["message"].get<std::string>().find("\"note\""),
            std::string::npos);

  fake_->seed(res::kSecrets, secret("argocd", kDefaultCaSecret, {{"ca.crt", testpem::kCert}}));
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  ASSERT_TRUE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  // The agent reads it from the API itself: no path is set.
  EXPECT_EQ(deployment()["spec"]["template"].dump().find("ARGOCD_AGENT_TLS_ROOT_CA_PATH"),
            std::string::npos);
}

TEST_F(ClusterAgentReconcilerTest, RootCAPathNeedsNoCaSecret) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}},
                 {"tls", {{"rootCAPath", "/etc/ssl/certs/ca-certificates.crt"}}}});
  seedToken();
  ASSERT_TRUE(fake_->remove(res::kSecrets, "argocd", kDefaultCaSecret).isOk());
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
}

// Argo CD's redis password is not the operator's to gate on: a missing one is
// a warning condition, and its appearance rolls the agent.
TEST_F(ClusterAgentReconcilerTest, MissingRedisPasswordIsAWarningUntilItAppears) {
  seedAgent();
  seedToken();
  converge();
  json w = condition(kRedisPasswordMissing);
  EXPECT_EQ(w["status"], "True");
  EXPECT_NE(w["message"].get<std::string>().find("argocd/argocd-redis"), std::string::npos);
  EXPECT_EQ(condition(kReady)["status"], "True");  // not a gate
  const std::string hash = credsHash();

  fake_->seed(res::kSecrets, secret("argocd", "argocd-redis", {{"auth", "redis-pw"}}));
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_TRUE(condition(kRedisPasswordMissing).is_null());
  EXPECT_NE(credsHash(), hash);
  EXPECT_EQ(deployment().dump().find("redis-pw"), std::string::npos);
}

TEST_F(ClusterAgentReconcilerTest, RedisPasswordInAnotherNamespaceIsNamedAsUnreachable) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}},
                 {"argocdNamespace", "gitops"}});
  seedToken();
  seedDefaultTlsSecrets("gitops");
  reconcile();
  const std::string m = condition(kRedisPasswordMissing).value("message", "");
  EXPECT_NE(m.find("gitops/argocd-redis"), std::string::npos) << m;
  EXPECT_NE(m.find("spec.redis.passwordSecretRef"), std::string::npos) << m;
}

TEST_F(ClusterAgentReconcilerTest, ReferencedClientCertReplacesTheDefault) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"auth", {{"clientCertSecretRef", {{"name", "own-cert"}}}}}});
  ASSERT_TRUE(fake_->remove(res::kSecrets, "argocd", kDefaultClientCertSecret).isOk());
  fake_->seed(res::kSecrets, secret("argocd", "own-cert",
                                    {{"tls.crt", testpem::kCert}, {"tls.key", testpem::kKey}},
                                    "kubernetes.io/tls"));
  reconcile();
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
}

}  // namespace
}  // namespace clusteragent::testing
