// manifests/base/delegation_policy.yaml against the real kube-apiserver: a
// least-privilege tenant (create/update on ClusterAgents and the agent Role's
// rights in its own namespace, nothing else) cannot make a ClusterAgent whose
// agent would get more than the tenant holds — another namespace, kube-system,
// cluster-wide RBAC, extra rules — and can make one that delegates only what
// it holds. The policies are applied as shipped, renamed for this test and
// bound to its namespace only, so other tests' ClusterAgents are unaffected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/yaml_to_json.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace testsupport {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// What the agent Role grants (reconcilers/clusteragent/build_role.cpp): the
// tenant holds exactly this in its own namespace.
json agentRoleRules() {
  json all = {"get", "list", "watch", "create", "update", "patch", "delete"};
  return json::array({
      {{"apiGroups", {"argoproj.io"}},
       {"resources", {"applications", "appprojects", "applicationsets"}},
       {"verbs", all}},
      {{"apiGroups", {""}}, {"resources", {"secrets", "configmaps"}}, {"verbs", all}},
      {{"apiGroups", {""}}, {"resources", {"events"}}, {"verbs", {"create", "list"}}},
  });
}

class DelegationPolicy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& cp = ControlPlane::instance();
    CommandResult r = cp.kubectl({"apply", "--server-side", "--force-conflicts", "-f",
                                  cp.repoRoot() + "/crds/clusteragents.argoproj.io.yaml"});
    ASSERT_TRUE(r.ok()) << r.output;
    r = cp.kubectl(
        {"wait", "--for=condition=Established", "--timeout=60s", "crd/clusteragents.argoproj.io"});
    ASSERT_TRUE(r.ok()) << r.output;
  }

  void SetUp() override {
    suffix_ = tenant_.name().substr(tenant_.name().size() - 6);
    installPolicies();
    user_ = "tenant-" + suffix_;
    grant(tenant_.name(), "tenant", agentRoleRules());
    // Its own ClusterAgents: create and edit, nothing cluster-wide.
    grant(tenant_.name(), "tenant-clusteragents",
          json::array({{{"apiGroups", {"argoproj.io"}},
                        {"resources", {"clusteragents"}},
                        {"verbs", {"get", "list", "create", "update", "patch"}}}}));
    kubeconfig_ = ControlPlane::instance().mintUserKubeconfig(user_, {});
    ASSERT_FALSE(kubeconfig_.empty());
  }

  void TearDown() override {
    const auto& cp = ControlPlane::instance();
    for (const auto& name : policyNames_) {
      cp.kubectl({"delete", "validatingadmissionpolicybinding", name, "--ignore-not-found"});
      cp.kubectl({"delete", "validatingadmissionpolicy", name, "--ignore-not-found"});
    }
  }

  // The shipped policies and bindings, each renamed "<name>-<suffix>" and
  // bound to the tenant's namespace only.
  void installPolicies() {
    const auto& cp = ControlPlane::instance();
    std::ifstream in(cp.repoRoot() + "/manifests/base/delegation_policy.yaml");
    std::stringstream text;
    text << in.rdbuf();
    auto docs = cmd::yamlDocumentsToJson(text.str());
    ASSERT_TRUE(docs.isOk()) << docs.status().toString();
    int policies = 0, bindings = 0;
    for (json doc : *docs) {
      if (doc.is_null()) continue;
      std::string name = doc["metadata"]["name"].get<std::string>() + "-" + suffix_;
      doc["metadata"]["name"] = name;
      if (doc["kind"] == "ValidatingAdmissionPolicy") {
        ++policies;
        policyNames_.push_back(name);
      } else {
        ASSERT_EQ(doc["kind"], "ValidatingAdmissionPolicyBinding");
        ++bindings;
        doc["spec"]["policyName"] = doc["spec"]["policyName"].get<std::string>() + "-" + suffix_;
        doc["spec"]["matchResources"]["namespaceSelector"]["matchLabels"] = {
            {"kubernetes.io/metadata.name", tenant_.name()}};
      }
      CommandResult r = cp.kubectl({"apply", "-f", "-"}, doc.dump());
      ASSERT_TRUE(r.ok()) << name << ": " << r.output;
    }
    EXPECT_EQ(policies, 3);
    EXPECT_EQ(bindings, 3);
  }

  // A Role with `rules` in ns, bound to the tenant user.
  void grant(const std::string& ns, const std::string& name, const json& rules) {
    const auto& cp = ControlPlane::instance();
    json role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                 {"kind", "Role"},
                 {"metadata", {{"name", name}, {"namespace", ns}}},
                 {"rules", rules}};
    json binding = {
        {"apiVersion", "rbac.authorization.k8s.io/v1"},
        {"kind", "RoleBinding"},
        {"metadata", {{"name", name}, {"namespace", ns}}},
        {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
        {"subjects",
         json::array(
             {{{"kind", "User"}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", user_}}})}};
    for (const json& obj : {role, binding}) {
      CommandResult r = cp.kubectl({"apply", "-f", "-"}, obj.dump());
      ASSERT_TRUE(r.ok()) << r.output;
    }
  }

  json clusterAgent(const std::string& name, const json& extraSpec) const {
    json spec = {{"serverAddr", "https://argocd.example.com"}, {"clusterName", "c1"}};
    spec.update(extraSpec);
    return {{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "ClusterAgent"},
            {"metadata", {{"name", name}, {"namespace", tenant_.name()}}},
            {"spec", spec}};
  }

  // kubectl create as the tenant (or, with asAdmin, as system:masters).
  CommandResult create(const json& obj, bool dryRun, bool asAdmin = false) const {
    std::vector<std::string> args = {"create", "-f", "-"};
    if (dryRun) args.push_back("--dry-run=server");
    if (!asAdmin) args.insert(args.begin(), {"--kubeconfig", kubeconfig_});
    return ControlPlane::instance().kubectl(args, obj.dump());
  }

  // Denied by one of this test's policies (waiting for them to take effect:
  // a new policy is enforced once the API server has loaded it).
  void expectDenied(const json& obj, const std::string& why) {
    CommandResult last;
    bool denied = eventually(
        [&] {
          last = create(obj, true);
          return !last.ok() && last.output.find("ValidatingAdmissionPolicy") != std::string::npos;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(250));
    EXPECT_TRUE(denied) << "not denied: " << last.output;
    EXPECT_THAT(last.output, HasSubstr(why));
    EXPECT_THAT(last.output, HasSubstr("-" + suffix_ + "'"));  // one of this test's policies
  }

  TestNamespace tenant_{"tenant"};
  TestNamespace other_{"other"};
  std::string suffix_;
  std::string user_;
  std::string kubeconfig_;
  std::vector<std::string> policyNames_;
};

TEST_F(DelegationPolicy, TenantCannotTargetANamespaceItHasNoRightsIn) {
  expectDenied(clusterAgent("sys", {{"argocdNamespace", "kube-system"}}),
               "in namespace kube-system, but you may not");
  expectDenied(clusterAgent("other", {{"argocdNamespace", other_.name()}}),
               "in namespace " + other_.name() + ", but you may not");
}

TEST_F(DelegationPolicy, TenantCannotAskForClusterWideRbacOrExtraRules) {
  expectDenied(clusterAgent("wide", {{"rbac", {{"clusterWide", true}}}}),
               "spec.rbac.clusterWide would give the agent");
  expectDenied(clusterAgent("extra", {{"rbac",
                                       {{"extraRules", json::array({{{"apiGroups", {""}},
                                                                     {"resources", {"pods"}},
                                                                     {"verbs", {"get"}}}})}}}}),
               "spec.rbac.extraRules");
}

TEST_F(DelegationPolicy, TenantMayDelegateWhatItHolds) {
  // Wait until the policies are enforced, so an admitted request means allowed.
  expectDenied(clusterAgent("probe", {{"argocdNamespace", "kube-system"}}), "kube-system");

  CommandResult own = create(clusterAgent("own", json::object()), false);
  EXPECT_TRUE(own.ok()) << own.output;
  CommandResult ownExplicit =
      create(clusterAgent("own-explicit", {{"argocdNamespace", tenant_.name()}}), true);
  EXPECT_TRUE(ownExplicit.ok()) << ownExplicit.output;

  // Given the same rights in the other namespace, the tenant may target it.
  grant(other_.name(), "tenant", agentRoleRules());
  CommandResult other;
  EXPECT_TRUE(eventually(
      [&] {
        other = create(clusterAgent("other", {{"argocdNamespace", other_.name()}}), true);
        return other.ok();
      },
      std::chrono::seconds(30), std::chrono::milliseconds(250)))
      << other.output;
}

TEST_F(DelegationPolicy, AnAdminMayAndOnlySpecChangesAreChecked) {
  expectDenied(clusterAgent("probe", {{"rbac", {{"clusterWide", true}}}}), "clusterWide");
  json wide =
      clusterAgent("wide", {{"argocdNamespace", "kube-system"}, {"rbac", {{"clusterWide", true}}}});
  CommandResult admin = create(wide, false, true);
  ASSERT_TRUE(admin.ok()) << admin.output;

  // The tenant may still label it (the operator's finalizer writes are the
  // same kind of update), but not change what it grants.
  const auto& cp = ControlPlane::instance();
  CommandResult label = cp.kubectl({"--kubeconfig", kubeconfig_, "label", "clusteragent", "wide",
                                    "-n", tenant_.name(), "team=a"});
  EXPECT_TRUE(label.ok()) << label.output;
  CommandResult edit =
      cp.kubectl({"--kubeconfig", kubeconfig_, "patch", "clusteragent", "wide", "-n",
                  tenant_.name(), "--type=merge", "-p", R"({"spec":{"clusterName":"c2"}})"});
  EXPECT_FALSE(edit.ok()) << edit.output;
  EXPECT_THAT(edit.output, HasSubstr("ValidatingAdmissionPolicy"));
}

}  // namespace
}  // namespace testsupport
