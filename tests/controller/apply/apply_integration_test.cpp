// applyIfChanged against the real kube-apiserver: a missing child is created
// with a POST, and the first apply after that takes the create's fields over
// (ownership_upgrade.h), so that what desired stops sending is removed, the
// server's defaults come back as they were, and a converged object makes no
// write.
#include <string>

#include "controller/apply/apply.h"
#include "controller/apply/managed_fields.h"
#include "tests/controller/kube/kube_client_integration_fixture.h"

namespace ctrl::apply {
namespace {

using kube::kubeclienttest::KubeClientIntegrationTest;
namespace res = kube::resources;

class ApplyIntegrationTest : public KubeClientIntegrationTest {
 protected:
  json live(const kube::Resource& r, const std::string& name) {
    auto got = client_->get(r, ns_.name(), name);
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : json();
  }
  // Our manager's entries on the main resource, as "operation" strings.
  static std::vector<std::string> ourOperations(const json& obj) {
    std::vector<std::string> ops;
    for (const auto& e : obj["metadata"]["managedFields"]) {
      if (e.value("manager", "") == kFieldManager && !e.contains("subresource")) {
        ops.push_back(e.value("operation", ""));
      }
    }
    return ops;
  }
  json service(const json& labels) {
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", {{"name", "metrics"}, {"namespace", ns_.name()}, {"labels", labels}}},
            {"spec",
             {{"selector", {{"app", "agent"}}},
              {"ports", {{{"name", "metrics"}, {"port", 8181}, {"targetPort", 8181}}}}}}};
  }
  json deployment(const json& labels) {
    return {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", "agent"}, {"namespace", ns_.name()}, {"labels", labels}}},
        {"spec",
         {{"replicas", 0},
          {"selector", {{"matchLabels", {{"app", "agent"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "agent"}}}}},
            {"spec",
             {{"containers",
               {{{"name", "agent"}, {"image", "quay.io/argoprojlabs/argocd-agent:v0.9.0"}}}}}}}}}}};
  }
};

TEST_F(ApplyIntegrationTest, ACreatedChildDropsWhatDesiredNoLongerSendsOnItsFirstApply) {
  const json first = service({{"keep", "1"}, {"dropped", "1"}});
  auto created = applyIfChanged(*client_, res::kServices, first, nullptr);
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(*created, ApplyOutcome::kCreated);
  json obj = live(res::kServices, "metrics");
  EXPECT_EQ(ourOperations(obj), std::vector<std::string>{"Update"});
  const std::string clusterIp = obj["spec"]["clusterIP"];

  // The create's entry holds what the server defaulted too: still no write.
  auto again = applyIfChanged(*client_, res::kServices, first, &obj);
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ(*again, ApplyOutcome::kUnchanged);
  EXPECT_EQ(live(res::kServices, "metrics")["metadata"]["resourceVersion"],
            obj["metadata"]["resourceVersion"]);

  const json second = service({{"keep", "1"}, {"added", "1"}});
  auto updated = applyIfChanged(*client_, res::kServices, second, &obj);
  ASSERT_TRUE(updated.isOk()) << updated.status().toString();
  EXPECT_EQ(*updated, ApplyOutcome::kUpdated);
  obj = live(res::kServices, "metrics");
  EXPECT_FALSE(obj["metadata"]["labels"].contains("dropped")) << obj["metadata"]["labels"];
  EXPECT_EQ(obj["metadata"]["labels"]["added"], "1");
  EXPECT_EQ(ourOperations(obj), std::vector<std::string>{"Apply"});
  // Defaults the create's entry held came back; what was allocated stayed.
  EXPECT_EQ(obj["spec"]["sessionAffinity"], "None");
  EXPECT_EQ(obj["spec"]["type"], "ClusterIP");
  EXPECT_EQ(obj["spec"]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(obj["spec"]["clusterIP"], clusterIp);

  auto settled = applyIfChanged(*client_, res::kServices, second, &obj);
  ASSERT_TRUE(settled.isOk()) << settled.status().toString();
  EXPECT_EQ(*settled, ApplyOutcome::kUnchanged);
}

// Taking over the pod template's defaulted fields must not roll the agent:
// the first apply drops them and the server defaults them to the same values.
TEST_F(ApplyIntegrationTest, TakingOverACreatedDeploymentDoesNotChangeItsSpec) {
  ASSERT_TRUE(
      applyIfChanged(*client_, res::kDeployments, deployment({{"a", "1"}}), nullptr).isOk());
  json obj = live(res::kDeployments, "agent");
  const json specBefore = obj["spec"];
  auto updated = applyIfChanged(*client_, res::kDeployments, deployment({{"b", "1"}}), &obj);
  ASSERT_TRUE(updated.isOk()) << updated.status().toString();
  EXPECT_EQ(*updated, ApplyOutcome::kUpdated);
  // The hash annotation changed, which bumps a Deployment's generation; the
  // controller, once it has seen that generation, made no new revision.
  ASSERT_TRUE(kube::kubeclienttest::eventually([&] {
    obj = live(res::kDeployments, "agent");
    return obj.value("/status/observedGeneration"_json_pointer, int64_t{0}) ==
           obj["metadata"].value("generation", int64_t{-1});
  }));
  EXPECT_EQ(obj["spec"], specBefore);
  EXPECT_EQ(obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  EXPECT_FALSE(obj["metadata"]["labels"].contains("a"));
  EXPECT_EQ(ourOperations(obj), std::vector<std::string>{"Apply"});
}

// The cache had not seen our earlier create (or someone else's): the POST
// meets 409, the object is read and handled as existing.
TEST_F(ApplyIntegrationTest, ACreateThatFindsTheObjectGoesOnAsAnApply) {
  ASSERT_TRUE(applyIfChanged(*client_, res::kServices, service({{"a", "1"}}), nullptr).isOk());
  ApplyOptions o;
  o.cacheHoldsAll = true;  // absent from the cache: the POST is tried first
  auto r = applyIfChanged(*client_, res::kServices, service({{"b", "1"}}), nullptr, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  json obj = live(res::kServices, "metrics");
  EXPECT_EQ(obj["metadata"]["labels"], json({{"b", "1"}}));
  EXPECT_EQ(ourOperations(obj), std::vector<std::string>{"Apply"});
}

}  // namespace
}  // namespace ctrl::apply
