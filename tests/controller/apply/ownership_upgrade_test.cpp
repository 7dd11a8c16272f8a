#include "controller/apply/ownership_upgrade.h"

#include <gtest/gtest.h>

#include "controller/apply/managed_fields.h"
#include "tests/mocks/kube/fake_kube_client.h"

namespace ctrl::apply {
namespace {

json entry(const std::string& manager, const std::string& operation, const json& fields,
           const std::string& time = "2026-12-03T18:00:00Z") {
  return {{"manager", manager}, {"operation", operation},   {"apiVersion", "v1"},
          {"time", time},       {"fieldsType", "FieldsV1"}, {"fieldsV1", fields}};
}

const json kLabelA = R"({"f:metadata": {"f:labels": {"f:a": {}}}})"_json;
const json kLabelB = R"({"f:metadata": {"f:labels": {"f:b": {}}}})"_json;
const json kDataK = R"({"f:data": {"f:k": {}}})"_json;

// What the server holds after the patch: the patch applied to the object.
json upgraded(const json& managedFields) {
  json obj = {{"metadata", {{"managedFields", managedFields}}}};
  auto patch = ownershipUpgradePatch(managedFields, kFieldManager);
  EXPECT_TRUE(patch.has_value());
  return patch ? obj.patch(*patch)["metadata"]["managedFields"] : json();
}

TEST(OwnershipUpgradePatchTest, OurUpdateEntryBecomesOurApplyEntryInPlace) {
  json before =
      json::array({entry("kubectl-edit", "Update", kDataK), entry(kFieldManager, "Update", kLabelA),
                   entry("kube-controller-manager", "Update", kLabelB)});
  json after = upgraded(before);
  json expected = before;
  expected[1]["operation"] = "Apply";
  EXPECT_EQ(after, expected);
  EXPECT_FALSE(heldThroughUpdate(json{{"metadata", {{"managedFields", after}}}}, kFieldManager));
}

TEST(OwnershipUpgradePatchTest, UpdateEntriesBesideAnApplyEntryAreFoldedIntoIt) {
  json before =
      json::array({entry(kFieldManager, "Update", kDataK),
                   entry(kFieldManager, "Apply", kLabelA, "2026-12-03T19:00:00Z"),
                   entry("other", "Update", kDataK), entry(kFieldManager, "Update", kLabelB)});
  json after = upgraded(before);
  ASSERT_EQ(after.size(), 2u) << after;
  EXPECT_EQ(after[0]["operation"], "Apply");
  EXPECT_EQ(after[0]["fieldsV1"], R"({"f:metadata": {"f:labels": {"f:a": {}, "f:b": {}}},
                                      "f:data": {"f:k": {}}})"_json);
  EXPECT_EQ(after[0]["time"], "2026-12-03T19:00:00Z");
  EXPECT_EQ(after[1], before[2]);
}

// Every entry the patch changes is tested first: if it changed since the
// read, the server refuses the whole patch.
TEST(OwnershipUpgradePatchTest, AChangedEntryFailsThePatch) {
  json before = json::array({entry(kFieldManager, "Update", kLabelA)});
  auto patch = ownershipUpgradePatch(before, kFieldManager);
  ASSERT_TRUE(patch.has_value());
  json now = {{"metadata", {{"managedFields", before}}}};
  now["metadata"]["managedFields"][0]["fieldsV1"] = kLabelB;
  EXPECT_THROW(now.patch(*patch), json::exception);
  now["metadata"]["managedFields"] =
      json::array({entry("other", "Apply", kDataK), entry(kFieldManager, "Update", kLabelA)});
  EXPECT_THROW(now.patch(*patch), json::exception);
}

TEST(OwnershipUpgradePatchTest, NothingToUpgradeWithoutOurUpdateEntry) {
  EXPECT_FALSE(ownershipUpgradePatch(json::array({entry(kFieldManager, "Apply", kLabelA),
                                                  entry("other", "Update", kLabelB)}),
                                     kFieldManager)
                   .has_value());
  json statusOnly = entry(kFieldManager, "Update", kLabelA);
  statusOnly["subresource"] = "status";
  EXPECT_FALSE(ownershipUpgradePatch(json::array({statusOnly}), kFieldManager).has_value());
  EXPECT_FALSE(ownershipUpgradePatch(json(), kFieldManager).has_value());
}

const kube::Resource kCm{"", "v1", "configmaps", "ConfigMap", true};

json configMapWith(const json& managedFields) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "c"}, {"namespace", "ns"}, {"managedFields", managedFields}}},
          {"data", {{"k", "v"}}}};
}

TEST(UpgradeToApplyOwnershipTest, ReadsThenPatchesOurEntry) {
  testmocks::FakeKubeClient fake;
  fake.seed(kCm, configMapWith(json::array({entry(kFieldManager, "Update", kDataK)})));
  ASSERT_TRUE(upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, nullptr).isOk());
  const auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].verb, "get");
  EXPECT_EQ(calls[1].patchType, kube::PatchType::kJson);
  EXPECT_EQ(calls[1].fieldManager, kFieldManager);
  json live = *fake.object(kCm, "ns", "c");
  EXPECT_EQ(live["metadata"]["managedFields"][0]["operation"], "Apply");
  EXPECT_EQ(live["data"]["k"], "v");
}

TEST(UpgradeToApplyOwnershipTest, AFreshObjectSavesTheReadAndNothingToDoWritesNothing) {
  testmocks::FakeKubeClient fake;
  fake.seed(kCm, configMapWith(json::array({entry(kFieldManager, "Update", kDataK)})));
  json fresh = *fake.object(kCm, "ns", "c");
  ASSERT_TRUE(upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, &fresh).isOk());
  ASSERT_EQ(fake.calls().size(), 1u);
  EXPECT_EQ(fake.calls()[0].verb, "patch");

  fake.clearRecords();
  json applied = *fake.object(kCm, "ns", "c");
  ASSERT_TRUE(upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, &applied).isOk());
  EXPECT_TRUE(fake.calls().empty());
}

// Other managers' writes in between (the Deployment controller's status) do
// not stop it; a change to our entry does.
TEST(UpgradeToApplyOwnershipTest, OnlyAChangeToOurEntrySinceTheReadFailsIt) {
  testmocks::FakeKubeClient fake;
  fake.seed(kCm, configMapWith(json::array({entry(kFieldManager, "Update", kDataK)})));
  json read = *fake.object(kCm, "ns", "c");
  fake.seed(kCm, configMapWith(json::array(
                     {entry(kFieldManager, "Update", kDataK), entry("other", "Update", kLabelB)})));
  ASSERT_TRUE(upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, &read).isOk());
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["metadata"]["managedFields"][1]["manager"], "other");

  fake.seed(kCm, configMapWith(json::array({entry(kFieldManager, "Update", kDataK)})));
  read = *fake.object(kCm, "ns", "c");
  fake.seed(kCm, configMapWith(json::array({entry(kFieldManager, "Update", kLabelB)})));
  auto s = upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, &read);
  EXPECT_EQ(s.code(), kube::Code::kInvalid) << s.toString();
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["metadata"]["managedFields"][0]["operation"], "Update");
}

TEST(UpgradeToApplyOwnershipTest, AReadThatFailsIsReturned) {
  testmocks::FakeKubeClient fake;
  auto s = upgradeToApplyOwnership(fake, kCm, "ns", "c", kFieldManager, nullptr);
  EXPECT_TRUE(kube::isNotFound(s)) << s.toString();
}

}  // namespace
}  // namespace ctrl::apply
