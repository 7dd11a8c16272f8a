// The reconciler refuses a ClusterAgent whose spec.env sets one of the
// agent's connection or security settings (reserved_agent_env.h): the CRD's
// CEL rule stops new ones, this covers objects that predate the rule. The
// refusal is SpecValid=False (EnvNotAllowed) naming the field and the fix,
// and nothing of the spec is applied: a running agent keeps the Deployment
// it had, never one whose env turned verification off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcilers/clusteragent/condition_types.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

using Kind = ctrl::queue::Result::Kind;
using ::testing::HasSubstr;

class ReservedAgentEnvReconcileTest : public ReconcilerFixture {
 protected:
  void seedAgent(json env) {
    json spec = {{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}},
                 {"env", std::move(env)}};
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", spec));
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "t0k"}}));
  }
  static json insecure() {
    return json::array({{{"name", "EXTRA"}, {"value", "1"}},
                        {{"name", "ARGOCD_AGENT_TLS_INSECURE"}, {"value", "true"}}});
  }
  json agentEnv() {
    auto d = fake_->object(res::kDeployments, "argocd", "aro-agent-agent");
    return d ? (*d)["spec"]["template"]["spec"]["containers"][0]["env"] : json();
  }
};

TEST_F(ReservedAgentEnvReconcileTest, ANewClusterAgentIsRefusedAndGetsNothing) {
  seedAgent(insecure());
  seedDefaultTlsSecrets();
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  const json c = condition(kSpecValid);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "EnvNotAllowed");
  const std::string message = c["message"];
  EXPECT_THAT(message, HasSubstr("spec.env[1].name"));
  EXPECT_THAT(message, HasSubstr("ARGOCD_AGENT_TLS_INSECURE"));
  EXPECT_THAT(message, HasSubstr("use spec.tls.insecureSkipVerify"));
  EXPECT_EQ(condition(kReady)["reason"], "EnvNotAllowed");
  EXPECT_EQ(status()["phase"], "Invalid");
  expectOnlyStatusWrites();
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
}

TEST_F(ReservedAgentEnvReconcileTest, AnEditLeavesTheRunningAgentAsItWas) {
  seedAgent(json::array({{{"name", "EXTRA"}, {"value", "1"}}}));
  seedDefaultTlsSecrets();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  const json before = agentEnv();
  ASSERT_TRUE(before.is_array());

  auto ca = *fake_->object(kClusterAgents, "argocd", "aro-agent");
  ca["spec"]["env"] = insecure();
  fake_->seed(kClusterAgents, ca);
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  EXPECT_EQ(condition(kSpecValid)["reason"], "EnvNotAllowed");
  EXPECT_EQ(agentEnv(), before);
  int insecureEntries = 0;
  for (const auto& e : agentEnv()) {
    if (e["name"] != "ARGOCD_AGENT_TLS_INSECURE") continue;
    ++insecureEntries;
    EXPECT_EQ(e["value"], "false");
  }
  EXPECT_EQ(insecureEntries, 1);

  // Removing the variable heals it.
  ca["spec"]["env"] = json::array({{{"name", "EXTRA"}, {"value", "2"}}});
  fake_->seed(kClusterAgents, ca);
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kSpecValid)["status"], "True");
}

}  // namespace
}  // namespace clusteragent::testing
