#pragma once
// The ClusterAgent reconciler's unit tests share this: one ClusterAgent
// (argocd/aro-agent) whose token comes from a Secret, on the fake client.

#include <string>

#include "tests/reconcilers/clusteragent/reconciler_fixture.h"
#include "tests/support/test_certificates.h"

namespace clusteragent::testing {

using Kind = ctrl::queue::Result::Kind;
using testsupport::base64Encode;
inline const std::string kToken = "tok-SUPER-SECRET-1";

class ClusterAgentReconcilerTest : public ReconcilerFixture {
 protected:
  void seedAgent(json spec = json{{"serverAddr", "https://argocd.example.com"},
                                  {"clusterName", "aro-prod"},
                                  {"authTokenSecretRef", {{"name", "aro-token"}}}}) {
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", std::move(spec)));
    seedDefaultTlsSecrets();
  }
  void seedToken(const std::string& token = kToken) {
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", token}}));
  }
  json deployment() const { return *fake_->object(res::kDeployments, "argocd", "aro-agent-agent"); }
  std::string credsHash() const {
    return deployment()["spec"]["template"]["metadata"]["annotations"].value(
        "argoproj.io/credentials-hash", "");
  }
  // Every write body, the status and the events must not contain the token,
  // except the creds Secret the operator owns.
  void expectTokenNowhereButCredsSecret(const std::string& token) {
    expectNowhereButSecrets(token);
  }
};

}  // namespace clusteragent::testing
