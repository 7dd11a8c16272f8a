// Drift of the agent Deployment against the real kube-apiserver (issue 9,
// defects 1 and 2): fields removed from the ClusterAgent leave the Deployment,
// fields someone else removes from the Deployment come back, and a converged
// ClusterAgent costs no write however often it is reconciled — with the API
// server's defaulting and omitempty in play, which no fake reproduces.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/update_status.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"
#include "tests/support/test_certificates.h"

namespace clusteragent {
namespace {

using nlohmann::json;
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

class ClusterAgentDriftIntegrationTest : public ::testing::Test {
 protected:
  // Resyncs every second, so "no write" also covers periodic resyncs.
  static void SetUpTestSuite() {
    InProcessOperator::Options o;
    o.operatorOptions.resyncPeriod = std::chrono::seconds(1);
    // Events are written asynchronously, after the reconcile that recorded
    // them: they would land in the tests' write counts at random.
    o.recordEvents = false;
    // priorityClassName is a tenant opt-in (docs/security.md); allowed here.
    o.operatorOptions.tenantPolicy.podSchedulingNamespaces = {"*"};
    operator_ = new InProcessOperator(std::move(o));
  }
  static void TearDownTestSuite() {
    delete operator_;
    operator_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(operator_ != nullptr && operator_->started());
    ns_ = std::make_unique<TestNamespace>(
        "drift", std::vector<std::string>{"pod-security.kubernetes.io/enforce=restricted"});
    auto cert = testsupport::makeSelfSignedCertificate();
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", kDefaultClientCertSecret}, {"namespace", ns()}}},
           {"type", "kubernetes.io/tls"},
           {"stringData", {{"tls.crt", cert.certPem}, {"tls.key", cert.keyPem}}}});
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", kDefaultCaSecret}, {"namespace", ns()}}},
           {"stringData", {{"ca.crt", cert.certPem}}}});
  }
  void TearDown() override {
    // Released while the operator still runs, so its finalizer goes.
    ControlPlane::instance().kubectl(
        {"delete", "clusteragent", "--all", "-n", ns(), "--wait=true", "--timeout=60s"});
  }
  const std::string& ns() const { return ns_->name(); }

  void apply(const json& obj) {
    auto r = ControlPlane::instance().kubectl(
        {"apply", "--server-side", "--force-conflicts", "--field-manager=test", "-f", "-"},
        obj.dump());
    ASSERT_TRUE(r.ok()) << r.output;
  }
  json clusterAgent(const std::string& name) const {
    return {{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "ClusterAgent"},
            {"metadata", {{"name", name}, {"namespace", ns()}}},
            {"spec",
             {{"serverAddr", "https://argocd.yourdomain.com"},
              {"authToken", "drift-it-token"},
              {"clusterName", "drift"}}}};
  }
  json deployment(const std::string& name) const {
    return kubectlJson({"get", "deployment", name, "-n", ns()});
  }
  static json podSpec(const json& d) {
    return d.value("/spec/template/spec"_json_pointer, json::object());
  }
  static json agentContainer(const json& d) {
    return d.value("/spec/template/spec/containers/0"_json_pointer, json::object());
  }
  static bool hasEnv(const json& d, const std::string& name) {
    for (const auto& e : agentContainer(d).value("env", json::array())) {
      if (e.value("name", "") == name) return true;
    }
    return false;
  }
  uint64_t reconcileCount(const std::string& name) const {
    return operator_->reconciles(ns() + "/" + name);
  }
  // Writes of the reconcile loop during one reconcile forced now.
  uint64_t writesAfterForcedReconcile(const std::string& name) {
    return operator_->writesOfForcedReconcile(ns() + "/" + name);
  }
  // Converged: a forced reconcile writes nothing.
  void waitForConvergence(const std::string& name) {
    ASSERT_TRUE(eventually([&] { return writesAfterForcedReconcile(name) == 0; }))
        << "reconciles of an unchanged ClusterAgent keep writing";
  }

  static inline InProcessOperator* operator_ = nullptr;
  std::unique_ptr<TestNamespace> ns_;
};

// (a) Fields the operator stops sending are removed from the Deployment.
// Before: the subset check found live still "matching" desired (live only had
// more) and never applied.
TEST_F(ClusterAgentDriftIntegrationTest, FieldsRemovedFromTheClusterAgentLeaveTheDeployment) {
  const std::string pc = "drift-" + ns();
  auto created = ControlPlane::instance().kubectl({"apply", "-f", "-"},
                                                  json{{"apiVersion", "scheduling.k8s.io/v1"},
                                                       {"kind", "PriorityClass"},
                                                       {"metadata", {{"name", pc}}},
                                                       {"value", 1000}}
                                                      .dump());
  ASSERT_TRUE(created.ok()) << created.output;
  struct DeletePriorityClass {
    std::string name;
    ~DeletePriorityClass() {
      ControlPlane::instance().kubectl({"delete", "priorityclass", name, "--ignore-not-found"});
    }
  } cleanup{pc};

  json ca = clusterAgent("rm");
  ca["spec"]["nodeSelector"] = {{"disktype", "ssd"}};
  ca["spec"]["priorityClassName"] = pc;
  ca["spec"]["affinity"] = {
      {"nodeAffinity",
       {{"preferredDuringSchedulingIgnoredDuringExecution",
         {{{"weight", 1},
           {"preference",
            {{"matchExpressions",
              {{{"key", "zone"}, {"operator", "In"}, {"values", {"a"}}}}}}}}}}}}};
  ca["spec"]["resources"] = {{"requests", {{"cpu", "50m"}}}, {"limits", {{"memory", "256Mi"}}}};
  ca["spec"]["env"] = {{{"name", "DRIFT_KEEP"}, {"value", "1"}},
                       {{"name", "DRIFT_DROP"}, {"value", "2"}}};
  apply(ca);
  json d;
  ASSERT_TRUE(eventually([&] {
    d = deployment("rm-agent");
    return !d.is_null() && d["spec"]["template"]["spec"].contains("nodeSelector") &&
           hasEnv(d, "DRIFT_DROP");
  })) << d.dump();
  const json& pod = d["spec"]["template"]["spec"];
  EXPECT_EQ(pod["nodeSelector"]["disktype"], "ssd");
  EXPECT_EQ(pod["priorityClassName"], pc);
  EXPECT_TRUE(pod.contains("affinity"));
  EXPECT_EQ(agentContainer(d)["resources"]["limits"]["memory"], "256Mi");
  waitForConvergence("rm");

  // One removal at a time: a removal that changes a list's length (an env
  // entry) makes an apply happen anyway, which would hide the others.
  struct Removal {
    const char* what;
    std::function<void(json&)> edit;            // on the ClusterAgent
    std::function<bool(const json&)> goneFrom;  // on the Deployment
  };
  const std::vector<Removal> removals = {
      {"spec.nodeSelector", [](json& c) { c["spec"].erase("nodeSelector"); },
       [](const json& dep) { return !podSpec(dep).contains("nodeSelector"); }},
      {"spec.affinity", [](json& c) { c["spec"].erase("affinity"); },
       [](const json& dep) { return !podSpec(dep).contains("affinity"); }},
      {"spec.priorityClassName", [](json& c) { c["spec"].erase("priorityClassName"); },
       [](const json& dep) { return !podSpec(dep).contains("priorityClassName"); }},
      {"spec.resources.limits", [](json& c) { c["spec"]["resources"].erase("limits"); },
       [](const json& dep) {
         return !agentContainer(dep).value("resources", json::object()).contains("limits");
       }},
      {"spec.env[DRIFT_DROP]",
       [](json& c) {
         c["spec"]["env"] = {{{"name", "DRIFT_KEEP"}, {"value", "1"}}};
       },
       [](const json& dep) { return !hasEnv(dep, "DRIFT_DROP"); }},
  };
  for (const auto& r : removals) {
    SCOPED_TRACE(r.what);
    r.edit(ca);
    apply(ca);
    EXPECT_TRUE(eventually(
        [&] {
          d = deployment("rm-agent");
          return !d.is_null() && r.goneFrom(d);
        },
        std::chrono::seconds(30)))
        << r.what << " stayed on the Deployment: " << podSpec(d).dump();
  }
  EXPECT_TRUE(hasEnv(d, "DRIFT_KEEP"));
  EXPECT_EQ(agentContainer(d)["resources"]["requests"]["cpu"], "50m");
  waitForConvergence("rm");
}

// (b) A zero value we set (allowPrivilegeEscalation: false), removed by
// another field manager, is restored. Before: "false matches a missing key".
TEST_F(ClusterAgentDriftIntegrationTest, AHardeningFieldRemovedByHandIsRestored) {
  apply(clusterAgent("harden"));
  const std::string path = "/spec/template/spec/containers/0/securityContext";
  ASSERT_TRUE(eventually([&] { return !deployment("harden-agent").is_null(); }));
  waitForConvergence("harden");
  json sc = agentContainer(deployment("harden-agent"))["securityContext"];
  ASSERT_EQ(sc["allowPrivilegeEscalation"], false) << sc.dump();

  auto r = ControlPlane::instance().kubectl(
      {"patch", "deployment", "harden-agent", "-n", ns(), "--type=json",
       "--field-manager=drift-test", "-p",
       json::array({{{"op", "remove"}, {"path", path + "/allowPrivilegeEscalation"}}}).dump()});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(eventually([&] {
    json c = agentContainer(deployment("harden-agent"));
    return c.value("/securityContext/allowPrivilegeEscalation"_json_pointer, json()) == false;
  })) << "allowPrivilegeEscalation was not restored: "
      << agentContainer(deployment("harden-agent")).dump();
  waitForConvergence("harden");
}

// (c) No hot loop: with the API server's defaults and omitempty drops in the
// live object, reconciles and resyncs of a converged ClusterAgent write
// nothing and leave every child's resourceVersion as it was.
TEST_F(ClusterAgentDriftIntegrationTest, AConvergedClusterAgentIsNeverWrittenAgain) {
  apply(clusterAgent("still"));
  ASSERT_TRUE(eventually([&] { return !deployment("still-agent").is_null(); }));
  waitForConvergence("still");
  auto versions = [&] {
    std::vector<std::string> rvs;
    for (const auto& [kind, name] :
         std::vector<std::pair<std::string, std::string>>{{"deployment", "still-agent"},
                                                          {"serviceaccount", "still-agent"},
                                                          {"role", "still-agent"},
                                                          {"rolebinding", "still-agent"},
                                                          {"secret", "still-agent-creds"},
                                                          {"service", "still-agent-metrics"}}) {
      json o = kubectlJson({"get", kind, name, "-n", ns()});
      rvs.push_back(kind + "=" + o.value("/metadata/resourceVersion"_json_pointer, std::string()));
    }
    return rvs;
  };
  // The ClusterAgent's own resourceVersion moves with every status write.
  auto ownVersion = [&] {
    return kubectlJson({"get", "clusteragent", "still", "-n", ns()})
        .value("/metadata/resourceVersion"_json_pointer, std::string());
  };
  const auto before = versions();
  const std::string ownBefore = ownVersion();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(writesAfterForcedReconcile("still"), 0u) << i;
  const uint64_t reconciled = reconcileCount("still");
  std::this_thread::sleep_for(std::chrono::seconds(3));  // observation window: resyncs every 1 s
  EXPECT_GT(reconcileCount("still"), reconciled) << "no resync happened in the window";
  // Not the operator's global write count: the suite's operator watches every
  // namespace, and another test's ClusterAgent may be written meanwhile.
  EXPECT_EQ(ownVersion(), ownBefore) << "the status was rewritten";
  EXPECT_EQ(versions(), before);
}

// Defect 2: a replica that writes status from a stale copy of the
// ClusterAgent (a deposed leader, a lagging cache) is refused with Conflict
// instead of regressing observedGeneration. Before, the merge patch carried
// no resourceVersion and landed.
TEST_F(ClusterAgentDriftIntegrationTest, AStatusComputedFromAStaleCopyIsRefused) {
  auto observedGeneration = [&] {
    return kubectlJson({"get", "clusteragent", "stale", "-n", ns()})
        .value("/status/observedGeneration"_json_pointer, int64_t{0});
  };
  apply(clusterAgent("stale"));
  ASSERT_TRUE(eventually([&] { return observedGeneration() == 1; }));
  const json staleCopy = kubectlJson({"get", "clusteragent", "stale", "-n", ns()});
  json edited = clusterAgent("stale");
  edited["spec"]["clusterName"] = "drift-renamed";
  apply(edited);
  ASSERT_TRUE(eventually([&] { return observedGeneration() == 2; }));

  // The stale replica: the operator's own credentials, the old copy.
  auto config = ctrl::kube::loadKubeconfigFile(
      testsupport::operatorUserKubeconfig("clusteragent-operator-it"));
  ASSERT_TRUE(config.isOk()) << config.status().toString();
  auto client = ctrl::kube::CpprestKubeClient::create(*config);
  ASSERT_TRUE(client.isOk()) << client.status().toString();
  Caches noCaches;
  ReconcilerOptions options;
  ReconcileContext ctx(staleCopy, **client, noCaches, options);
  ctx.ns = ns();
  ctx.name = "stale";
  ctx.key = ns() + "/stale";
  ctx.status.generation = 1;
  ctx.status.specValid = false;  // a status that differs, so a write is attempted
  ctx.status.specMessage = "spec.clusterName: seen by a stale replica";
  auto written = updateStatus(ctx, nullptr, nullptr, std::chrono::system_clock::now());
  EXPECT_TRUE(ctrl::kube::isConflict(written)) << written.toString();
  EXPECT_EQ(observedGeneration(), 2);
}

}  // namespace
}  // namespace clusteragent
