// JSON nested as deep as the real kube-apiserver admits (issue 9, hostile
// input). Free-form fields (affinity, resources, tolerations) are
// x-kubernetes-preserve-unknown-fields, so the schema does not bound their
// depth; the API server's JSON decoder does, at 10,000 levels. A ClusterAgent
// just inside that bound goes through the operator's watch, cache, copies
// and status write, and is refused by name, and the operator goes on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

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

// A ClusterAgent whose spec.affinity is {"x":{"x":…1…}} `levels` deep, as
// text: the test itself never holds it as a json.
std::string deepClusterAgent(const std::string& ns, const std::string& name, size_t levels) {
  std::string affinity;
  affinity.reserve(levels * 6 + 1);
  for (size_t i = 0; i < levels; ++i) affinity += "{\"x\":";
  affinity += "1";
  affinity.append(levels, '}');
  return R"({"apiVersion":"argoproj.io/v1alpha1","kind":"ClusterAgent","metadata":{"name":")" +
         name + R"(","namespace":")" + ns +
         R"("},"spec":{"serverAddr":"https://argocd.yourdomain.com","clusterName":"deep",)"
         R"("authToken":"deep-it-token","affinity":)" +
         affinity + "}}";
}

json condition(const std::string& ns, const std::string& name, const std::string& type) {
  json ca = ControlPlane::instance().kubectlJson({"get", "clusteragent", name, "-n", ns});
  for (const auto& c : ca.value("/status/conditions"_json_pointer, json::array())) {
    if (c.is_object() && c.value("type", "") == type) return c;
  }
  return json::object();
}

TEST(DeepSpecIntegrationTest, TheDeepestClusterAgentTheApiServerAdmitsIsRefusedByName) {
  TestNamespace ns("deep");
  const auto& cp = ControlPlane::instance();
  // The bound this relies on: one level more than 10,000 in all is refused.
  auto refused = cp.kubectl({"create", "-f", "-"}, deepClusterAgent(ns.name(), "deeper", 10000));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.output, HasSubstr("exceeded max depth"));

  InProcessOperator::Options o;
  o.recordEvents = false;
  o.operatorOptions.namespaces = {ns.name()};
  InProcessOperator op(std::move(o));
  ASSERT_TRUE(op.started());

  // 9,990 in spec.affinity: the object, spec and affinity add three.
  auto r = cp.kubectl({"create", "-f", "-"}, deepClusterAgent(ns.name(), "deep", 9990));
  ASSERT_TRUE(r.ok()) << r.output.substr(0, 300);
  json c;
  ASSERT_TRUE(testsupport::eventually(
      [&] {
        c = condition(ns.name(), "deep", "SpecValid");
        return c.value("status", "") == "False";
      },
      std::chrono::seconds(60)))
      << c.dump();
  EXPECT_EQ(c.value("reason", ""), "InvalidSpec");
  EXPECT_THAT(c.value("message", ""), HasSubstr("spec.affinity: nested 9990 levels deep"));
  EXPECT_FALSE(cp.kubectl({"get", "serviceaccount", "deep-agent", "-n", ns.name()}).ok());

  // The operator is still there and still works.
  json shallow = json::parse(deepClusterAgent(ns.name(), "shallow", 0));
  shallow["spec"].erase("affinity");
  r = cp.kubectl({"create", "-f", "-"}, shallow.dump());
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(testsupport::eventually(
      [&] {
        return condition(ns.name(), "shallow", "SpecValid").value("status", "") == "True" &&
               cp.kubectl({"get", "serviceaccount", "shallow-agent", "-n", ns.name()}).ok();
      },
      std::chrono::seconds(60)));
  // Finalizers released while the operator runs.
  cp.kubectl({"delete", "clusteragents", "--all", "-n", ns.name(), "--timeout=60s"});
}

}  // namespace
}  // namespace clusteragent
