// Children whose names could meet (issue 10, item 2), against the real
// kube-apiserver: the cluster-scoped RBAC of lookalike namespace/name pairs
// ("<ns>" + "a-x" and "<ns>-a" + "x", one name under the old
// clusteragent-<ns>-<name> scheme), and two ClusterAgents named aro-agent in
// two namespaces that share one argocdNamespace (one Role name there under
// <name>-agent). Each converges with objects of its own, bound to its own
// ServiceAccount, and then nothing is written back and forth: with a shared
// name, each ClusterAgent's reconcile would take the object from the other
// (or, since objects are never taken over, one would stay in ChildConflict).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "reconcilers/clusteragent/object_meta.h"
#include "reconcilers/clusteragent/tenant_policy.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"

namespace clusteragent {
namespace {

using nlohmann::json;
using testsupport::ControlPlane;
using testsupport::InProcessOperator;

bool eventually(const std::function<bool()>& check,
                std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return testsupport::eventually(check, deadline, std::chrono::milliseconds(200));
}

json kubectlJson(const std::vector<std::string>& args) {
  return ControlPlane::instance().kubectlJson(args);
}

std::string resourceVersion(const std::vector<std::string>& getArgs) {
  return kubectlJson(getArgs).value("/metadata/resourceVersion"_json_pointer, std::string());
}

class NameCollisionIntegrationTest : public ::testing::Test {
 protected:
  // Resyncs every second, so the quiet window below also covers resyncs.
  static void SetUpTestSuite() {
    InProcessOperator::Options o;
    o.operatorOptions.resyncPeriod = std::chrono::seconds(1);
    o.recordEvents = false;  // Events would land in the write counts at random
    operator_ = new InProcessOperator(std::move(o));
  }
  static void TearDownTestSuite() {
    delete operator_;
    operator_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(operator_ != nullptr && operator_->started());
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::uniform_int_distribution<size_t> pick(0, sizeof alphabet - 2);
    base_ = "nc-";
    for (int i = 0; i < 6; ++i) base_ += alphabet[pick(rd)];
  }
  void TearDown() override {
    const auto& cp = ControlPlane::instance();
    // Finalizers are released while the operator still runs.
    for (const auto& ns : namespaces_) {
      cp.kubectl({"delete", "clusteragents", "--all", "-n", ns, "--timeout=60s"});
    }
    for (const auto& ns : namespaces_) {
      cp.kubectl({"delete", "namespace", ns, "--wait=false", "--ignore-not-found"});
    }
  }

  // A namespace of exactly this name (TestNamespace adds a suffix).
  std::string createNamespace(const std::string& name, const json& labels = json::object()) {
    json ns = {{"apiVersion", "v1"},
               {"kind", "Namespace"},
               {"metadata", {{"name", name}, {"labels", labels}}}};
    auto r = ControlPlane::instance().kubectl({"create", "-f", "-"}, ns.dump());
    EXPECT_TRUE(r.ok()) << r.output;
    namespaces_.push_back(name);
    return name;
  }
  void createClusterAgent(const std::string& ns, const std::string& name,
                          const json& extraSpec = json::object()) {
    json spec = {{"serverAddr", "https://argocd.yourdomain.com"},
                 {"authToken", "collision-it-token"},
                 {"clusterName", ns + "-" + name}};
    spec.update(extraSpec);
    json ca = {{"apiVersion", "argoproj.io/v1alpha1"},
               {"kind", "ClusterAgent"},
               {"metadata", {{"name", name}, {"namespace", ns}}},
               {"spec", spec}};
    auto r = ControlPlane::instance().kubectl({"create", "-f", "-"}, ca.dump());
    ASSERT_TRUE(r.ok()) << r.output;
  }

  // Ready's reason while the agent has no pods to run it is not Valid's; what
  // converged means here: the spec accepted, no ChildConflict, and a forced
  // reconcile writes nothing.
  json condition(const std::string& ns, const std::string& name, const std::string& type) const {
    json ca = kubectlJson({"get", "clusteragent", name, "-n", ns});
    for (const auto& c : ca.value("/status/conditions"_json_pointer, json::array())) {
      if (c.is_object() && c.value("type", "") == type) return c;
    }
    return json::object();
  }
  void expectConverged(const std::vector<std::pair<std::string, std::string>>& agents) {
    for (const auto& [ns, name] : agents) {
      EXPECT_TRUE(eventually([&] {
        return condition(ns, name, "SpecValid").value("status", "") == "True" &&
               condition(ns, name, "CredentialsReady").value("reason", "") != "" &&
               condition(ns, name, "Ready").value("reason", "") != "ChildConflict";
      })) << ns
          << "/" << name << ": " << condition(ns, name, "Ready").dump();
    }
    // Both at once: a forced reconcile of either writes nothing.
    EXPECT_TRUE(eventually([&] {
      uint64_t writes = 0;
      for (const auto& [ns, name] : agents)
        writes += operator_->writesOfForcedReconcile(ns + "/" + name);
      return writes == 0;
    })) << "reconciles of unchanged ClusterAgents keep writing";
  }
  // No object in `gets` changes over a window of several resyncs.
  void expectNoWrites(const std::vector<std::vector<std::string>>& gets) {
    std::vector<std::string> before;
    for (const auto& g : gets) {
      before.push_back(resourceVersion(g));
      EXPECT_FALSE(before.back().empty()) << g[1] << " " << g[2];
    }
    std::this_thread::sleep_for(std::chrono::seconds(4));  // resyncs every 1 s
    for (size_t i = 0; i < gets.size(); ++i) {
      EXPECT_EQ(resourceVersion(gets[i]), before[i]) << gets[i][1] << " " << gets[i][2];
    }
  }
  // The binding's only subject is this ClusterAgent's ServiceAccount.
  static void expectBoundTo(const json& binding, const std::string& ns, const std::string& name) {
    const json subjects = binding.value("subjects", json::array());
    ASSERT_EQ(subjects.size(), 1u) << binding.dump();
    EXPECT_EQ(subjects[0].value("name", ""), name + "-agent");
    EXPECT_EQ(subjects[0].value("namespace", ""), ns);
  }

  static inline InProcessOperator* operator_ = nullptr;
  std::string base_;
  std::vector<std::string> namespaces_;
};

TEST_F(NameCollisionIntegrationTest, LookalikeNamespaceAndNamePairsGetClusterRolesOfTheirOwn) {
  const std::string a = createNamespace(base_);
  const std::string b = createNamespace(base_ + "-a");
  createClusterAgent(a, "a-x");
  createClusterAgent(b, "x");
  expectConverged({{a, "a-x"}, {b, "x"}});

  const std::string roleA = "clusteragent:" + a + ":a-x";
  const std::string roleB = "clusteragent:" + b + ":x";
  for (const auto& [role, ns, name] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{roleA, a, "a-x"},
                                                                      {roleB, b, "x"}}) {
    json cr = kubectlJson({"get", "clusterrole", role});
    ASSERT_TRUE(cr.is_object()) << role;
    EXPECT_EQ(cr.value("/metadata/labels"_json_pointer, json::object())
                  .value(kClusterAgentNamespaceLabel, ""),
              ns);
    EXPECT_EQ(
        cr.value("/metadata/labels"_json_pointer, json::object()).value(kClusterAgentLabel, ""),
        name);
    expectBoundTo(kubectlJson({"get", "clusterrolebinding", role}), ns, name);
  }
  // What the old scheme named both, nobody has.
  EXPECT_FALSE(
      ControlPlane::instance().kubectl({"get", "clusterrole", "clusteragent-" + a + "-a-x"}).ok());

  expectNoWrites({{"get", "clusteragent", "a-x", "-n", a},
                  {"get", "clusteragent", "x", "-n", b},
                  {"get", "clusterrole", roleA},
                  {"get", "clusterrole", roleB},
                  {"get", "clusterrolebinding", roleA},
                  {"get", "clusterrolebinding", roleB}});
}

TEST_F(NameCollisionIntegrationTest, SameNameFromTwoNamespacesSharesOneArgocdNamespace) {
  const std::string a = createNamespace(base_ + "-one");
  const std::string b = createNamespace(base_ + "-two");
  // The shared namespace's admin lets both in (docs/security.md).
  const std::string shared = createNamespace(
      base_ + "-argocd", {{allowFromLabel(a), "true"}, {allowFromLabel(b), "true"}});
  createClusterAgent(a, "aro-agent", {{"argocdNamespace", shared}});
  createClusterAgent(b, "aro-agent", {{"argocdNamespace", shared}});
  expectConverged({{a, "aro-agent"}, {b, "aro-agent"}});

  const std::string roleA = "clusteragent:" + a + ":aro-agent";
  const std::string roleB = "clusteragent:" + b + ":aro-agent";
  for (const auto& [role, ns] :
       std::vector<std::pair<std::string, std::string>>{{roleA, a}, {roleB, b}}) {
    ASSERT_TRUE(kubectlJson({"get", "role", role, "-n", shared}).is_object()) << role;
    expectBoundTo(kubectlJson({"get", "rolebinding", role, "-n", shared}), ns, "aro-agent");
  }
  // The one name both would have wanted there is nobody's.
  EXPECT_FALSE(
      ControlPlane::instance().kubectl({"get", "role", "aro-agent-agent", "-n", shared}).ok());

  expectNoWrites({{"get", "clusteragent", "aro-agent", "-n", a},
                  {"get", "clusteragent", "aro-agent", "-n", b},
                  {"get", "role", roleA, "-n", shared},
                  {"get", "role", roleB, "-n", shared},
                  {"get", "rolebinding", roleA, "-n", shared},
                  {"get", "rolebinding", roleB, "-n", shared}});
}

}  // namespace
}  // namespace clusteragent
