// The reconciler with the operator's default tenant policy (tenant_policy.h):
// a refused ClusterAgent is SpecValid=False with the rule as reason, gets
// nothing applied (not even the finalizer), and children it already has are
// not widened. The target Namespace opting in heals it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcilers/clusteragent/condition_types.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

using Kind = ctrl::queue::Result::Kind;
using ::testing::HasSubstr;

class TenantPolicyReconcileTest : public ReconcilerFixture {
 protected:
  TenantPolicyReconcileTest() { setTenantPolicy(TenantPolicy{}); }

  void seedAgent(json extra) {
    json spec = {{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}}};
    spec.update(extra);
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", spec));
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "t0k"}}));
  }
  void seedNamespace(const std::string& name, json labels = json::object()) {
    fake_->seed(res::kNamespaces, json{{"apiVersion", "v1"},
                                       {"kind", "Namespace"},
                                       {"metadata", {{"name", name}, {"labels", labels}}}});
  }
};

TEST_F(TenantPolicyReconcileTest, OtherNamespaceWithoutOptInIsRefusedAndGetsNothing) {
  seedNamespace("kube-system");
  seedAgent({{"argocdNamespace", "kube-system"}});
  seedDefaultTlsSecrets("kube-system");
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  json c = condition(kSpecValid);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "ArgocdNamespaceNotAllowed");
  EXPECT_THAT(c["message"].get<std::string>(),
              HasSubstr("clusteragent.argoproj.io/allow-from-argocd=true"));
  EXPECT_EQ(condition(kReady)["reason"], "ArgocdNamespaceNotAllowed");
  EXPECT_EQ(status()["phase"], "Invalid");
  expectOnlyStatusWrites();
  EXPECT_FALSE(
      fake_->object(res::kRoles, "kube-system", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(fake_->object(res::kServiceAccounts, "argocd", "aro-agent-agent").has_value());
  auto ca = fake_->object(kClusterAgents, "argocd", "aro-agent");
  EXPECT_FALSE((*ca)["metadata"].contains("finalizers"));

  // The target Namespace opts in: the same ClusterAgent converges.
  seedNamespace("kube-system", {{"clusteragent.argoproj.io/allow-from-argocd", "true"}});
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(condition(kSpecValid)["status"], "True");
  EXPECT_TRUE(
      fake_->object(res::kRoles, "kube-system", "clusteragent:argocd:aro-agent").has_value());

  // The opt-in is withdrawn: what it granted goes; the agent's own children stay.
  seedNamespace("kube-system");
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  EXPECT_EQ(condition(kSpecValid)["reason"], "ArgocdNamespaceNotAllowed");
  EXPECT_FALSE(
      fake_->object(res::kRoles, "kube-system", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(fake_->object(res::kRoleBindings, "kube-system", "clusteragent:argocd:aro-agent")
                   .has_value());
  EXPECT_TRUE(fake_->object(res::kServiceAccounts, "argocd", "aro-agent-agent").has_value());
}

TEST_F(TenantPolicyReconcileTest, RefusalDoesNotWidenExistingChildren) {
  seedAgent(json::object());
  seedDefaultTlsSecrets();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  auto cr = fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(cr.has_value());
  ASSERT_EQ((*cr)["rules"].size(), 1u);
  auto role = fake_->object(res::kRoles, "argocd", "aro-agent-agent");
  ASSERT_TRUE(role.has_value());
  size_t roleRules = (*role)["rules"].size();

  auto ca = *fake_->object(kClusterAgents, "argocd", "aro-agent");
  ca["spec"]["rbac"] = {
      {"clusterWide", true},
      {"extraRules",
       json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}}})}};
  ca["spec"]["image"] = "evil.example.com/agent:latest";
  fake_->seed(kClusterAgents, ca);
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  EXPECT_EQ(condition(kSpecValid)["reason"], "TenantPolicyViolation");
  std::string message = condition(kSpecValid)["message"];
  EXPECT_THAT(message, HasSubstr("spec.rbac.clusterWide"));
  EXPECT_THAT(message, HasSubstr("spec.rbac.extraRules"));
  EXPECT_THAT(message, HasSubstr("spec.image"));
  expectOnlyStatusWrites();
  EXPECT_EQ((*fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent"))["rules"],
            (*cr)["rules"]);
  EXPECT_EQ((*fake_->object(res::kRoles, "argocd", "aro-agent-agent"))["rules"].size(), roleRules);
  auto d = fake_->object(res::kDeployments, "argocd", "aro-agent-agent");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ((*d)["spec"]["template"]["spec"]["containers"][0]["image"],
            "quay.io/argoprojlabs/argocd-agent:v0.9.0");
}

TEST_F(TenantPolicyReconcileTest, AdminFlagsAllowTheRiskyFields) {
  TenantPolicy p;
  p.clusterWideNamespaces = {"argocd"};
  p.podSchedulingNamespaces = {"argocd"};
  p.imagePrefixes = {"mirror.example.com/"};
  setTenantPolicy(p);
  seedAgent({{"rbac", {{"clusterWide", true}}},
             {"priorityClassName", "high"},
             {"image", "mirror.example.com/argocd-agent:v0.9.0"}});
  seedDefaultTlsSecrets();
  EXPECT_EQ(reconcile().kind, Kind::kDone) << condition(kSpecValid).dump();
  EXPECT_EQ(condition(kSpecValid)["status"], "True");
  auto cr = fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(cr.has_value());
  EXPECT_EQ((*cr)["rules"].size(), 2u);
}

}  // namespace
}  // namespace clusteragent::testing
