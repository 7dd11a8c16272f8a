// An object with a child's name that this ClusterAgent did not create is
// never applied to, nothing after it is applied, and status says which.
#include <gtest/gtest.h>

#include "reconcilers/clusteragent/condition_types.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

using Kind = ctrl::queue::Result::Kind;

class ChildConflictTest : public ReconcilerFixture {
 protected:
  void SetUp() override {
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent",
                                             {{"serverAddr", "https://argocd.example.com"},
                                              {"clusterName", "aro-prod"},
                                              {"authTokenSecretRef", {{"name", "aro-token"}}}}));
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "t0k"}}));
    seedDefaultTlsSecrets();
    // Someone's own Role, under the name the agent's Role would have.
    fake_->seed(res::kRoles,
                json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                     {"kind", "Role"},
                     {"metadata", {{"name", "aro-agent-agent"}, {"namespace", "argocd"}}},
                     {"rules", json::array()}});
  }
};

TEST_F(ChildConflictTest, TheRoleIsLeftAloneAndNothingAfterItIsApplied) {
  EXPECT_EQ(reconcile().kind, Kind::kError);
  const json role = *fake_->object(res::kRoles, "argocd", "aro-agent-agent");
  EXPECT_FALSE(role["metadata"].contains("labels"));
  EXPECT_FALSE(fake_->object(res::kRoleBindings, "argocd", "aro-agent-agent").has_value());
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_EQ(condition(kReady)["reason"], "ChildConflict");
  EXPECT_EQ(
      condition(kReady)["message"],
      "Role argocd/aro-agent-agent already exists and is not ours: the operator does not take "
      "over objects it did not create; delete or rename it");
  EXPECT_EQ(status()["phase"], "Degraded");
  // Steps never reached are Unknown with a reason (the CRD requires one).
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "Unknown");
  EXPECT_EQ(condition(kDeploymentAvailable)["reason"], "NotEvaluated");
}

TEST_F(ChildConflictTest, ItsOwnerRemovingItHeals) {
  EXPECT_EQ(reconcile().kind, Kind::kError);
  ASSERT_TRUE(fake_->remove(res::kRoles, "argocd", "aro-agent-agent").isOk());
  reconcile();
  EXPECT_TRUE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_NE(condition(kReady)["reason"], "ChildConflict");
}

}  // namespace
}  // namespace clusteragent::testing
