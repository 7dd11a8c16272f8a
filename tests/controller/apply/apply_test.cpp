#include "controller/apply/apply.h"

#include <gtest/gtest.h>

#include "tests/mocks/kube/fake_kube_client.h"

namespace ctrl::apply {
namespace {

const kube::Resource kCm{"", "v1", "configmaps", "ConfigMap", true};
const kube::Resource kCr{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false};

json desiredCm(const std::string& value) {
  return json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", "c"}, {"namespace", "ns"}, {"labels", {{"l", "1"}}}}},
              {"data", {{"k", value}}}};
}

TEST(ApplyIfChangedTest, CreatesWhenLiveIsMissing) {
  testmocks::FakeKubeClient fake;
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(*r, ApplyOutcome::kCreated);
  auto writes = fake.writes();
  ASSERT_EQ(writes.size(), 1u);
  const auto& w = writes[0];
  EXPECT_EQ(w.verb, "patch");
  EXPECT_EQ(w.patchType, kube::PatchType::kApply);
  EXPECT_EQ(w.ns, "ns");
  EXPECT_EQ(w.name, "c");
  auto live = fake.object(kCm, "ns", "c");
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ((*live)["data"]["k"], "v");
}

TEST(ApplyIfChangedTest, UsesForcedApplyWithTheOperatorsFieldManager) {
  struct Spy : testmocks::FakeKubeClient {
    kube::PatchOptions last;
    kube::StatusOr<json> patch(const kube::Resource& r, const std::string& ns,
                               const std::string& name, kube::PatchType t, const json& b,
                               const kube::PatchOptions& o) override {
      last = o;
      return FakeKubeClient::patch(r, ns, name, t, b, o);
    }
  } spy;
  ASSERT_TRUE(applyIfChanged(spy, kCm, desiredCm("v"), nullptr).isOk());
  EXPECT_EQ(spy.last.fieldManager, "clusteragent-operator");
  EXPECT_TRUE(spy.last.force);
  EXPECT_EQ(spy.last.subresource, "");
}

TEST(ApplyIfChangedTest, UnchangedLiveMakesNoCall) {
  testmocks::FakeKubeClient fake;
  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("v"), nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  fake.clearRecords();
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &live);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kUnchanged);
  EXPECT_TRUE(fake.calls().empty());
}

TEST(ApplyIfChangedTest, DriftIsUpdated) {
  testmocks::FakeKubeClient fake;
  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("v"), nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  std::string rv = live["metadata"]["resourceVersion"];
  live["data"]["k"] = "edited";
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &live);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  EXPECT_EQ(fake.writes().size(), 2u);
}

TEST(ApplyIfChangedTest, NullLiveCountsAsMissing) {
  testmocks::FakeKubeClient fake;
  json nothing;
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &nothing);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kCreated);
}

TEST(ApplyIfChangedTest, ClusterScopedHasNoNamespace) {
  testmocks::FakeKubeClient fake;
  json d = {{"metadata", {{"name", "cr"}}}, {"rules", json::array()}};
  auto r = applyIfChanged(fake, kCr, d, nullptr);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(fake.writes()[0].ns, "");
  // The body names the resource's apiVersion and kind even when desired omits them.
  EXPECT_EQ(fake.writes()[0].body["kind"], "ClusterRole");
  EXPECT_EQ(fake.writes()[0].body["apiVersion"], "rbac.authorization.k8s.io/v1");
}

TEST(ApplyIfChangedTest, RejectsDesiredWithoutNameOrNamespace) {
  testmocks::FakeKubeClient fake;
  json noName = desiredCm("v");
  noName["metadata"].erase("name");
  auto r = applyIfChanged(fake, kCm, noName, nullptr);
  EXPECT_EQ(r.status().code(), kube::Code::kInvalidArgument);
  json noNs = desiredCm("v");
  noNs["metadata"].erase("namespace");
  EXPECT_EQ(applyIfChanged(fake, kCm, noNs, nullptr).status().code(), kube::Code::kInvalidArgument);
  EXPECT_TRUE(fake.calls().empty());
}

TEST(ApplyIfChangedTest, PropagatesApiErrors) {
  testmocks::FakeKubeClient fake;
  fake.failNext("patch", "configmaps", kube::Status(kube::Code::kForbidden, "no"));
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr);
  EXPECT_EQ(r.status().code(), kube::Code::kForbidden);
  EXPECT_FALSE(fake.object(kCm, "ns", "c").has_value());
}

TEST(ApplyIfChangedTest, ComparableProjectionIsUsedForTheComparison) {
  testmocks::FakeKubeClient fake;
  ApplyOptions opts;
  opts.comparable = [](const json& d) {
    json c = d;
    c["data"] = {{"k", "digest-of-" + d["data"]["k"].get<std::string>()}};
    return c;
  };
  json live = desiredCm("digest-of-v");
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &live, opts);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kUnchanged);
  auto r2 = applyIfChanged(fake, kCm, desiredCm("w"), &live, opts);
  ASSERT_TRUE(r2.isOk());
  EXPECT_EQ(*r2, ApplyOutcome::kUpdated);
}

TEST(ApplyIfChangedTest, OutcomeNames) {
  EXPECT_STREQ(outcomeName(ApplyOutcome::kUnchanged), "unchanged");
  EXPECT_STREQ(outcomeName(ApplyOutcome::kCreated), "created");
  EXPECT_STREQ(outcomeName(ApplyOutcome::kUpdated), "updated");
}

}  // namespace
}  // namespace ctrl::apply
