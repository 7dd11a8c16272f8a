// Children no owner reference reaches (cluster-scoped, or in another
// namespace) outlive a ClusterAgent whose finalizer was removed by hand. A
// reconcile of a ClusterAgent that is gone deletes them (issue 10).
#include <gtest/gtest.h>

#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

using Kind = ctrl::queue::Result::Kind;

json labelledRbac(const std::string& kind, const std::string& ns, const std::string& name,
                  const std::string& ownerNs, const std::string& owner) {
  json meta = {{"name", name},
               {"labels",
                {{"app.kubernetes.io/managed-by", "clusteragent-operator"},
                 {"argoproj.io/clusteragent", owner},
                 {"argoproj.io/clusteragent-namespace", ownerNs}}}};
  if (!ns.empty()) meta["namespace"] = ns;
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", kind}, {"metadata", meta}};
}

class OrphanSweepTest : public ReconcilerFixture {
 protected:
  void SetUp() override {
    fake_->seed(res::kRoles,
                labelledRbac("Role", "argocd", "clusteragent:team:aro", "team", "aro"));
    fake_->seed(res::kRoleBindings,
                labelledRbac("RoleBinding", "argocd", "clusteragent:team:aro", "team", "aro"));
    fake_->seed(res::kClusterRoles,
                labelledRbac("ClusterRole", "", "clusteragent:team:aro", "team", "aro"));
    // Someone else's, and another ClusterAgent's.
    fake_->seed(res::kRoles, json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                  {"kind", "Role"},
                                  {"metadata", {{"name", "aro-agent"}, {"namespace", "argocd"}}}});
    fake_->seed(res::kRoles,
                labelledRbac("Role", "argocd", "clusteragent:team:other", "team", "other"));
  }
  bool has(const ctrl::kube::Resource& r, const std::string& ns, const std::string& name) {
    return fake_->object(r, ns, name).has_value();
  }
};

TEST_F(OrphanSweepTest, TheChildrenOfAClusterAgentThatIsGoneAreDeleted) {
  EXPECT_EQ(reconcile("team", "aro").kind, Kind::kDone);
  EXPECT_FALSE(has(res::kRoles, "argocd", "clusteragent:team:aro"));
  EXPECT_FALSE(has(res::kRoleBindings, "argocd", "clusteragent:team:aro"));
  EXPECT_FALSE(has(res::kClusterRoles, "", "clusteragent:team:aro"));
  EXPECT_TRUE(has(res::kRoles, "argocd", "aro-agent"));
  EXPECT_TRUE(has(res::kRoles, "argocd", "clusteragent:team:other"));
  EXPECT_EQ(fake_->writeCount(), 3u);
}

TEST_F(OrphanSweepTest, AScopedOperatorLeavesOtherNamespacesChildrenAlone) {
  TenantPolicy policy = TenantPolicy::unrestricted();
  policy.watchedNamespaces = {"argocd"};
  setTenantPolicy(policy);
  EXPECT_EQ(reconcile("team", "aro").kind, Kind::kDone);
  EXPECT_TRUE(has(res::kRoles, "argocd", "clusteragent:team:aro"));
  EXPECT_TRUE(has(res::kClusterRoles, "", "clusteragent:team:aro"));
  EXPECT_EQ(fake_->writeCount(), 0u);
}

}  // namespace
}  // namespace clusteragent::testing
