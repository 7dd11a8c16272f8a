// The operator's own tenant policy (tenant_policy.h) against the real
// kube-apiserver, with no admission policy installed for these namespaces: a
// least-privilege tenant's ClusterAgents are admitted, and the operator —
// running with its default flags, as the user manifests/base binds — refuses
// the escalating ones with SpecValid=False and creates nothing for them. The
// target Namespace's opt-in label heals a refused cross-namespace agent
// without touching the ClusterAgent (the operator watches Namespaces).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "reconcilers/clusteragent/tenant_policy.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"

namespace clusteragent {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testsupport::ControlPlane;
using testsupport::InProcessOperator;
using testsupport::TestNamespace;

bool eventually(const std::function<bool()>& check,
                std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return testsupport::eventually(check, deadline, std::chrono::milliseconds(200));
}

json kubectlJson(const std::vector<std::string>& args) {
  return ControlPlane::instance().kubectlJson(args);
}

bool exists(const std::vector<std::string>& args) {
  return ControlPlane::instance().kubectl(args).ok();
}

// Suite and test names stay short: the tenant namespace must fit the opt-in
// label ("allow-from-<namespace>" is at most 63 characters).
class TenantIT : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_LE(tenant_.name().size(), 52u) << tenant_.name();
    user_ = "tenant-" + tenant_.name().substr(tenant_.name().size() - 6);
    // The tenant: its own ClusterAgents, nothing else (no policy binds here).
    const auto& cp = ControlPlane::instance();
    for (const json& obj :
         {json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "Role"},
               {"metadata", {{"name", "tenant"}, {"namespace", tenant_.name()}}},
               {"rules", json::array({{{"apiGroups", {"argoproj.io"}},
                                       {"resources", {"clusteragents"}},
                                       {"verbs", {"get", "list", "create", "update", "patch"}}}})}},
          json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "RoleBinding"},
               {"metadata", {{"name", "tenant"}, {"namespace", tenant_.name()}}},
               {"roleRef",
                {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "tenant"}}},
               {"subjects", json::array({{{"kind", "User"},
                                          {"apiGroup", "rbac.authorization.k8s.io"},
                                          {"name", user_}}})}}}) {
      auto r = cp.kubectl({"apply", "-f", "-"}, obj.dump());
      ASSERT_TRUE(r.ok()) << r.output;
    }
    kubeconfig_ = cp.mintUserKubeconfig(user_, {});
    ASSERT_FALSE(kubeconfig_.empty());

    startOperator();
  }

  // The operator with the binary's defaults, watching these namespaces.
  void startOperator() {
    InProcessOperator::Options o;
    o.recordEvents = false;
    o.operatorOptions.namespaces = {tenant_.name(), target_.name(), "kube-system"};
    operator_ = std::make_unique<InProcessOperator>(std::move(o));
    ASSERT_TRUE(operator_->started());
  }

  void TearDown() override {
    // Release the finalizers while the operator still runs.
    ControlPlane::instance().kubectl(
        {"delete", "clusteragents", "--all", "-n", tenant_.name(), "--timeout=60s"});
    operator_.reset();
  }

  // Created by the tenant itself.
  void createAsTenant(const std::string& name, const json& extraSpec) {
    json spec = {
        {"serverAddr", "https://argocd.example.com"}, {"clusterName", "c1"}, {"authToken", "t0k"}};
    spec.update(extraSpec);
    json ca = {{"apiVersion", "argoproj.io/v1alpha1"},
               {"kind", "ClusterAgent"},
               {"metadata", {{"name", name}, {"namespace", tenant_.name()}}},
               {"spec", spec}};
    auto r = ControlPlane::instance().kubectl({"--kubeconfig", kubeconfig_, "create", "-f", "-"},
                                              ca.dump());
    ASSERT_TRUE(r.ok()) << r.output;
  }

  // The SpecValid condition; {} while there is none (or no object yet).
  json specValid(const std::string& name) const {
    json ca = kubectlJson({"get", "clusteragent", name, "-n", tenant_.name()});
    if (!ca.is_object()) return json::object();
    for (const auto& c : ca.value("/status/conditions"_json_pointer, json::array())) {
      if (c.is_object() && c.value("type", "") == "SpecValid") return c;
    }
    return json::object();
  }
  // Waits for SpecValid=False and returns it.
  json refusal(const std::string& name) const {
    json c;
    EXPECT_TRUE(eventually([&] {
      c = specValid(name);
      return c.value("status", "") == "False";
    })) << "no SpecValid=False on "
        << name << ": " << c.dump();
    return c;
  }
  // Nothing of `name` anywhere: no ServiceAccount, Deployment or Secret in the
  // tenant namespace, no Role/RoleBinding in `roleNs`, no ClusterRole.
  void expectNothingCreated(const std::string& name, const std::string& roleNs) {
    const std::string& t = tenant_.name();
    EXPECT_FALSE(exists({"get", "serviceaccount", name + "-agent", "-n", t}));
    EXPECT_FALSE(exists({"get", "deployment", name + "-agent", "-n", t}));
    EXPECT_FALSE(exists({"get", "secret", name + "-agent-creds", "-n", t}));
    // By label: the Role's name depends on the namespace it lands in.
    auto rbac =
        ControlPlane::instance().kubectl({"get", "role,rolebinding", "-n", roleNs, "-l",
                                          "argoproj.io/clusteragent=" + name, "-o", "name"});
    EXPECT_TRUE(rbac.ok()) << rbac.output;
    EXPECT_EQ(rbac.output.find("role"), std::string::npos) << rbac.output;
    EXPECT_FALSE(exists({"get", "clusterrole", "clusteragent:" + t + ":" + name}));
  }

  TestNamespace tenant_{"tp"};
  TestNamespace target_{"tp-target"};
  std::string user_;
  std::string kubeconfig_;
  std::unique_ptr<InProcessOperator> operator_;
};

TEST_F(TenantIT, KubeSystem) {
  createAsTenant("sys", {{"argocdNamespace", "kube-system"}});
  json c = refusal("sys");
  EXPECT_EQ(c["reason"], "ArgocdNamespaceNotAllowed");
  EXPECT_THAT(c["message"].get<std::string>(),
              HasSubstr("kubectl label namespace kube-system " + allowFromLabel(tenant_.name())));
  expectNothingCreated("sys", "kube-system");
}

TEST_F(TenantIT, OptIn) {
  createAsTenant("cross", {{"argocdNamespace", target_.name()}});
  EXPECT_EQ(refusal("cross")["reason"], "ArgocdNamespaceNotAllowed");
  expectNothingCreated("cross", target_.name());

  // The target's admin opts in; the operator notices the label by itself.
  auto r = ControlPlane::instance().kubectl(
      {"label", "namespace", target_.name(), allowFromLabel(tenant_.name()) + "=true"});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(eventually([&] { return specValid("cross").value("status", "") == "True"; }))
      << specValid("cross").dump();
  const std::string role = "clusteragent:" + tenant_.name() + ":cross";
  // Named after its ClusterAgent's namespace too: it shares the target with others.
  ASSERT_TRUE(eventually([&] { return exists({"get", "role", role, "-n", target_.name()}); }));

  // The target's admin withdraws the opt-in: the grant there goes at once.
  r = ControlPlane::instance().kubectl(
      {"label", "namespace", target_.name(), allowFromLabel(tenant_.name()) + "-"});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(eventually([&] { return specValid("cross").value("status", "") == "False"; }));
  EXPECT_TRUE(eventually([&] {
    return !exists({"get", "role", role, "-n", target_.name()}) &&
           !exists({"get", "rolebinding", role, "-n", target_.name()});
  })) << "the Role granted by the withdrawn opt-in stayed";
  r = ControlPlane::instance().kubectl(
      {"label", "namespace", target_.name(), allowFromLabel(tenant_.name()) + "=true"});
  ASSERT_TRUE(r.ok()) << r.output;
  ASSERT_TRUE(eventually([&] { return exists({"get", "role", role, "-n", target_.name()}); }));

  // While the operator is down, the ClusterAgent goes without its finalizer
  // (its owner removed it). No owner reference reaches the Role in the
  // target; the operator, back, sweeps it all the same.
  operator_.reset();
  const auto& cp = ControlPlane::instance();
  ASSERT_TRUE(
      cp.kubectl({"delete", "clusteragent", "cross", "-n", tenant_.name(), "--wait=false"}).ok());
  r = cp.kubectl({"--kubeconfig", kubeconfig_, "patch", "clusteragent", "cross", "-n",
                  tenant_.name(), "--type=merge", "-p", R"({"metadata":{"finalizers":null}})"});
  ASSERT_TRUE(r.ok()) << r.output;
  ASSERT_TRUE(eventually([&] {
    return !exists({"get", "clusteragent", "cross", "-n", tenant_.name()});
  }));
  EXPECT_TRUE(exists({"get", "role", role, "-n", target_.name()}));
  startOperator();
  EXPECT_TRUE(eventually([&] {
    return !exists({"get", "role", role, "-n", target_.name()});
  })) << "the orphaned Role in the target namespace stayed";
  EXPECT_FALSE(exists({"get", "rolebinding", role, "-n", target_.name()}));
}

// An operator scoped with --namespace to the tenant's namespace only: a
// target outside that set, even one that opted in, is refused instead of
// half-applied (issue 9, defect 3: the Secrets there were never seen and the
// Role was re-applied on every reconcile).
TEST_F(TenantIT, NotWatched) {
  operator_.reset();
  InProcessOperator::Options o;
  o.recordEvents = false;
  o.operatorOptions.namespaces = {tenant_.name()};
  operator_ = std::make_unique<InProcessOperator>(std::move(o));
  ASSERT_TRUE(operator_->started());
  auto r = ControlPlane::instance().kubectl(
      {"label", "namespace", target_.name(), allowFromLabel(tenant_.name()) + "=true"});
  ASSERT_TRUE(r.ok()) << r.output;
  createAsTenant("unwatched", {{"argocdNamespace", target_.name()}});
  json c = refusal("unwatched");
  EXPECT_EQ(c["reason"], "ArgocdNamespaceNotWatched");
  EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("--namespace"));
  expectNothingCreated("unwatched", target_.name());
  // Settled: the refusal is not written again and again.
  const std::string rv = kubectlJson({"get", "clusteragent", "unwatched", "-n", tenant_.name()})
                             .value("/metadata/resourceVersion"_json_pointer, std::string());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(kubectlJson({"get", "clusteragent", "unwatched", "-n", tenant_.name()})
                .value("/metadata/resourceVersion"_json_pointer, std::string()),
            rv);
}

TEST_F(TenantIT, ClusterWide) {
  createAsTenant("wide", {{"rbac", {{"clusterWide", true}}}});
  json c = refusal("wide");
  EXPECT_EQ(c["reason"], "ClusterWideNotAllowed");
  EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("--allow-cluster-wide-namespaces"));
  expectNothingCreated("wide", tenant_.name());
}

TEST_F(TenantIT, ExtraRules) {
  createAsTenant(
      "extra",
      {{"rbac",
        {{"extraRules",
          json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}})}}}});
  EXPECT_EQ(refusal("extra")["reason"], "ExtraRulesNotAllowed");
  expectNothingCreated("extra", tenant_.name());
}

TEST_F(TenantIT, Image) {
  createAsTenant("img", {{"image", "evil.example.com/agent:latest"},
                         {"priorityClassName", "system-cluster-critical"}});
  json c = refusal("img");
  EXPECT_EQ(c["reason"], "TenantPolicyViolation");
  EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("--allowed-image-prefixes"));
  EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("--allow-pod-scheduling-namespaces"));
  expectNothingCreated("img", tenant_.name());
}

}  // namespace
}  // namespace clusteragent
