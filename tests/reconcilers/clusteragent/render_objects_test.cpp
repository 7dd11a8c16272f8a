#include "reconcilers/clusteragent/render_objects.h"

#include <gtest/gtest.h>

#include "controller/apply/applied_hash.h"
#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/object_meta.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"

namespace clusteragent::testing {
namespace {

const std::string kToken = "tok-RENDER-SECRET-7";

// What the reconciler applies, against what render shows for the same
// ClusterAgent: equal but for the fields render documents as left out.
class RenderObjectsTest : public ReconcilerFixture {
 protected:
  // Every server-side apply the reconciler sent, keyed "Kind ns/name".
  std::map<std::string, json> appliedChildren() {
    std::map<std::string, json> out;
    for (const auto& w : fake_->writes()) {
      const bool applied = w.verb == "patch" && w.patchType == ctrl::kube::PatchType::kApply;
      if (w.resource == "clusteragents" || (w.verb != "create" && !applied)) continue;
      out[key(w.body)] = w.body;
    }
    return out;
  }
  static std::string key(const json& o) {
    const json& md = o["metadata"];
    return o.value("kind", "") + " " + md.value("namespace", "") + "/" + md.value("name", "");
  }
  // Renders the ClusterAgent exactly as stored (uid included), with the
  // fixture reconciler's agent image.
  std::vector<RenderedObject> renderStored() {
    json cr = *fake_->object(kClusterAgents, "argocd", "aro-agent");
    ParseOptions po;
    po.defaultImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";
    auto parsed = parseClusterAgent(cr, po);
    EXPECT_TRUE(parsed.ok()) << parsed.errorSummary();
    return renderObjects(parsed.spec);
  }
};

TEST_F(RenderObjectsTest, EqualsWhatTheReconcilerAppliesLessWhatOnlyTheClusterKnows) {
  for (json spec : {json{{"serverAddr", "https://argocd.example.com"},
                         {"clusterName", "aro-prod"},
                         {"authTokenSecretRef", {{"name", "aro-token"}}}},
                    json{{"serverAddr", "https://argocd.example.com"},
                         {"clusterName", "aro-prod"},
                         {"authToken", kToken},
                         {"rbac", {{"clusterWide", true}}},
                         {"replicas", 0},
                         {"env", json::array({{{"name", "X"}, {"value", "1"}}})}},
                    json{{"serverAddr", "principal.example.com:8443"},
                         {"clusterName", "aro-prod"},
                         {"auth", {{"method", "mtls"}}},
                         {"argocdNamespace", "gitops"}}}) {
    SCOPED_TRACE(spec.dump());
    fake_ = std::make_shared<testmocks::FakeKubeClient>();
    reconciler_ = std::make_unique<ClusterAgentReconciler>(fake_, caches(), &events_, [] {
      ReconcilerOptions o;
      o.agentImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";
      o.tenantPolicy = TenantPolicy::unrestricted();  // render does not apply the policy
      return o;
    }());
    fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", spec));
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", kToken}}));
    seedDefaultTlsSecrets(spec.value("argocdNamespace", "argocd"));
    ASSERT_EQ(reconcile().kind, ctrl::queue::Result::Kind::kDone);

    auto applied = appliedChildren();
    auto rendered = renderStored();
    ASSERT_EQ(rendered.size(), applied.size());
    for (const auto& r : rendered) {
      const std::string k = key(r.desired.object);
      ASSERT_TRUE(applied.count(k)) << k << " rendered but not applied";
      json expected = applied[k];
      // The write path's bookkeeping (drift detection), not a builder's field.
      json& annotations = expected["metadata"]["annotations"];
      ASSERT_TRUE(annotations.contains(ctrl::apply::kAppliedHashAnnotation)) << k;
      annotations.erase(ctrl::apply::kAppliedHashAnnotation);
      if (annotations.empty()) expected["metadata"].erase("annotations");
      if (expected["kind"] == "Secret") {
        // Exactly the token-derived fields, which were really there.
        ASSERT_TRUE(expected.contains("data"));
        ASSERT_TRUE(expected["metadata"]["annotations"].contains(kCredsSourceAnnotation));
        expected = withoutTokenDerivedFields(expected);
      }
      if (expected["kind"] == "Deployment") {
        json& tmd = expected["spec"]["template"]["metadata"];
        ASSERT_EQ(tmd["annotations"].size(), 1u);
        ASSERT_FALSE(tmd["annotations"].value(kCredentialsHashAnnotation, "").empty());
        tmd.erase("annotations");
      }
      EXPECT_EQ(r.desired.object, expected) << k;
    }
  }
}

TEST_F(RenderObjectsTest, WithoutUidOwnerReferencesAreLeftOutAndSaidSo) {
  auto parsed = parseClusterAgent(clusterAgent(
      "argocd", "a",
      {{"serverAddr", "https://p.example.com"}, {"clusterName", "c"}, {"authToken", kToken}}));
  ASSERT_TRUE(parsed.ok()) << parsed.errorSummary();
  for (const auto& r : renderObjects(parsed.spec)) {
    EXPECT_FALSE(r.desired.object["metadata"].contains("ownerReferences")) << r.desired.name();
    EXPECT_EQ(r.desired.object.dump().find(kToken), std::string::npos);
    bool said = false;
    for (const auto& n : r.notes) {
      said = said || n.rfind("metadata.ownerReferences: left out", 0) == 0;
      EXPECT_EQ(n.find(kToken), std::string::npos);
    }
    // Cluster-scoped children never carry one, so there is nothing to say.
    EXPECT_EQ(said, r.desired.ownerReferenced) << r.desired.name();
  }
}

}  // namespace
}  // namespace clusteragent::testing
