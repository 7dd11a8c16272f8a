#include "controller/apply/apply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// A create costs the API server less than an apply that creates
// (ownership_upgrade.h): a missing object is POSTed, with our field manager.
TEST(ApplyIfChangedTest, CreatesWhenLiveIsMissing) {
  testmocks::FakeKubeClient fake;
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr);
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(*r, ApplyOutcome::kCreated);
  auto writes = fake.writes();
  ASSERT_EQ(writes.size(), 1u);
  const auto& w = writes[0];
  EXPECT_EQ(w.verb, "create");
  EXPECT_EQ(w.fieldManager, "clusteragent-operator");
  EXPECT_EQ(w.body["metadata"]["annotations"][kAppliedHashAnnotation],
            appliedHash(json(desiredCm("v"))));
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
  json live = *spy.object(kCm, "ns", "c");
  ASSERT_EQ(*applyIfChanged(spy, kCm, desiredCm("w"), &live), ApplyOutcome::kUpdated);
  EXPECT_EQ(spy.writes().back().patchType, kube::PatchType::kApply);
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
  fake.failNext("create", "configmaps", kube::Status(kube::Code::kForbidden, "no"));
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr);
  EXPECT_EQ(r.status().code(), kube::Code::kForbidden);
  EXPECT_FALSE(fake.object(kCm, "ns", "c").has_value());

  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("v"), nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  fake.failNext("patch", "configmaps", kube::Status(kube::Code::kForbidden, "no"));
  EXPECT_EQ(applyIfChanged(fake, kCm, desiredCm("w"), &live).status().code(),
            kube::Code::kForbidden);
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "v");
}

TEST(ApplyIfChangedTest, ComparableProjectionIsUsedForTheComparison) {
  testmocks::FakeKubeClient fake;
  ApplyOptions opts;
  opts.comparable = [](const json& d) {
    json c = d;
    c["data"] = {{"k", "digest-of-" + d["data"]["k"].get<std::string>()}};
    return c;
  };
  // The cache holds the projection of what was applied, hash annotation included.
  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("v"), nullptr, opts).isOk());
  json live = opts.comparable(*fake.object(kCm, "ns", "c"));
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &live, opts);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kUnchanged);
  auto r2 = applyIfChanged(fake, kCm, desiredCm("w"), &live, opts);
  ASSERT_TRUE(r2.isOk());
  EXPECT_EQ(*r2, ApplyOutcome::kUpdated);
}

TEST(ApplyIfChangedTest, TheHashIsOfTheComparableProjection) {
  // A Secret's hash must not be derived from its values, only from what the
  // cache holds of them.
  testmocks::FakeKubeClient fake;
  ApplyOptions opts;
  opts.comparable = [](const json& d) {
    json c = d;
    c["data"] = {{"k", "digest"}};
    return c;
  };
  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("secret-value"), nullptr, opts).isOk());
  json body = fake.writes()[0].body;
  json projected = desiredCm("v");
  projected["data"] = {{"k", "digest"}};
  EXPECT_EQ(body["metadata"]["annotations"][kAppliedHashAnnotation], appliedHash(projected));
}

// Defect 1 (a): a field the operator stops sending stays on live, where the
// subset comparison alone calls it a match; the hash of desired tells.
TEST(ApplyIfChangedTest, AFieldNoLongerSentIsAppliedSoItGetsRemoved) {
  testmocks::FakeKubeClient fake;
  json withSelector = desiredCm("v");
  withSelector["data"]["nodeSelector"] = "disk=ssd";
  ASSERT_TRUE(applyIfChanged(fake, kCm, withSelector, nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  fake.clearRecords();

  auto r = applyIfChanged(fake, kCm, desiredCm("v"), &live);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  auto writes = fake.writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_FALSE(writes[0].body["data"].contains("nodeSelector"));
  EXPECT_EQ(writes[0].body["metadata"]["annotations"][kAppliedHashAnnotation],
            appliedHash(json(desiredCm("v"))));
}

TEST(ApplyIfChangedTest, TheHashAnnotationIsWrittenAndARemovedOneIsRestored) {
  testmocks::FakeKubeClient fake;
  ASSERT_TRUE(applyIfChanged(fake, kCm, desiredCm("v"), nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  ASSERT_TRUE(live["metadata"]["annotations"].contains(kAppliedHashAnnotation));
  // Other annotations of desired are kept beside it.
  json d = desiredCm("v");
  d["metadata"]["annotations"] = {{"a", "1"}};
  ASSERT_TRUE(applyIfChanged(fake, kCm, d, &live).isOk());
  live = *fake.object(kCm, "ns", "c");
  EXPECT_EQ(live["metadata"]["annotations"]["a"], "1");
  fake.clearRecords();
  EXPECT_EQ(*applyIfChanged(fake, kCm, d, &live), ApplyOutcome::kUnchanged);

  live["metadata"]["annotations"].erase(kAppliedHashAnnotation);
  EXPECT_EQ(*applyIfChanged(fake, kCm, d, &live), ApplyOutcome::kUpdated);
}

// Defect 1 (b): `allowPrivilegeEscalation: false` removed from live by
// another manager. The API server took it out of our managedFields with it.
TEST(ApplyIfChangedTest, AZeroValueSomeoneRemovedIsRestored) {
  testmocks::FakeKubeClient fake;
  json d = desiredCm("v");
  d["data"] = json::object();
  d["spec"] = {{"allowPrivilegeEscalation", false}, {"readOnly", false}};
  ASSERT_TRUE(applyIfChanged(fake, kCm, d, nullptr).isOk());
  json live = *fake.object(kCm, "ns", "c");
  // As the API server keeps it: readOnly (omitempty) dropped but still ours.
  live["spec"].erase("readOnly");
  live["metadata"]["managedFields"] = R"([{"manager": "clusteragent-operator",
      "operation": "Apply", "fieldsType": "FieldsV1",
      "fieldsV1": {"f:metadata": {"f:annotations": {"f:argoproj.io/applied-hash": {}},
                                  "f:labels": {"f:l": {}}},
                   "f:spec": {"f:allowPrivilegeEscalation": {}, "f:readOnly": {}}}}])"_json;
  fake.clearRecords();
  EXPECT_EQ(*applyIfChanged(fake, kCm, d, &live), ApplyOutcome::kUnchanged);
  EXPECT_TRUE(fake.calls().empty());

  live["spec"].erase("allowPrivilegeEscalation");
  live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"].erase("f:allowPrivilegeEscalation");
  EXPECT_EQ(*applyIfChanged(fake, kCm, d, &live), ApplyOutcome::kUpdated);
  ASSERT_EQ(fake.writes().size(), 1u);
  EXPECT_EQ(fake.writes()[0].body["spec"]["allowPrivilegeEscalation"], false);
}

TEST(ApplyIfChangedTest, OutcomeNames) {
  EXPECT_STREQ(outcomeName(ApplyOutcome::kUnchanged), "unchanged");
  EXPECT_STREQ(outcomeName(ApplyOutcome::kCreated), "created");
  EXPECT_STREQ(outcomeName(ApplyOutcome::kUpdated), "updated");
}

// mayTakeOver: only what it accepts is applied to.
bool labelledOurs(const json& obj) {
  return obj.value("/metadata/labels/l"_json_pointer, std::string()) == "1";
}

// Options for a kind whose cache holds every object (no read before a create).
ApplyOptions ownershipCheckedCacheHoldingAll() {
  ApplyOptions o;
  o.mayTakeOver = labelledOurs;
  o.cacheHoldsAll = true;
  return o;
}

std::vector<std::string> verbsOf(const testmocks::FakeKubeClient& fake) {
  std::vector<std::string> verbs;
  for (const auto& c : fake.calls()) verbs.push_back(c.verb);
  return verbs;
}

// Someone else's object, whether the cache holds it (Secrets are cached
// whole) or it is read because the cache does not.
TEST(ApplyIfChangedTest, AnObjectSomeoneElseCreatedIsNeverAppliedTo) {
  json theirs = desiredCm("theirs");
  theirs["metadata"].erase("labels");
  const json* const cachedCopies[] = {nullptr, &theirs};
  for (const json* cachedCopy : cachedCopies) {
    testmocks::FakeKubeClient fake;
    fake.seed(kCm, theirs);
    ApplyOptions o;
    o.mayTakeOver = labelledOurs;
    auto r = applyIfChanged(fake, kCm, desiredCm("v"), cachedCopy, o);
    ASSERT_FALSE(r.isOk());
    EXPECT_TRUE(isNotOwned(r.status()));
    EXPECT_EQ(r.status().message(), "ConfigMap ns/c already exists and is not ours");
    EXPECT_EQ(fake.writeCount(), 0u);
    EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "theirs");
  }
}

TEST(ApplyIfChangedTest, OursButNotYetCachedIsUpdated) {
  testmocks::FakeKubeClient fake;
  fake.seed(kCm, desiredCm("old"));
  ApplyOptions o;
  o.mayTakeOver = labelledOurs;
  auto r = applyIfChanged(fake, kCm, desiredCm("new"), nullptr, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "new");
}

TEST(ApplyIfChangedTest, AbsentObjectIsCreatedWhenCheckingOwnership) {
  testmocks::FakeKubeClient fake;
  ApplyOptions o;
  o.mayTakeOver = labelledOurs;
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kCreated);
  EXPECT_EQ(fake.writeCount(), 1u);
}

// A cache that holds every object of the kind: absent there is absent, and
// the first apply is the only request; someone else's object it holds is
// still refused without a write.
TEST(ApplyIfChangedTest, ACacheHoldingEverythingSavesTheReadBeforeTheFirstApply) {
  testmocks::FakeKubeClient fake;
  const ApplyOptions o = ownershipCheckedCacheHoldingAll();
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kCreated);
  ASSERT_EQ(fake.calls().size(), 1u);
  EXPECT_EQ(fake.calls()[0].verb, "create");

  json theirs = desiredCm("theirs");
  theirs["metadata"]["name"] = "d";
  theirs["metadata"].erase("labels");
  json mine = desiredCm("v");
  mine["metadata"]["name"] = "d";
  auto refused = applyIfChanged(fake, kCm, mine, &theirs, o);
  EXPECT_TRUE(isNotOwned(refused.status()));
  EXPECT_EQ(fake.calls().size(), 1u);
}

// The cache said absent, the server says it exists (our own create whose
// watch event is still on its way, or someone else's): read, then as for an
// existing object.
TEST(ApplyIfChangedTest, AnObjectCreatedMeanwhileIsReadThenAppliedIfOurs) {
  testmocks::FakeKubeClient fake;
  fake.seed(kCm, desiredCm("old"));
  const ApplyOptions o = ownershipCheckedCacheHoldingAll();
  auto r = applyIfChanged(fake, kCm, desiredCm("new"), nullptr, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  EXPECT_EQ(verbsOf(fake), (std::vector<std::string>{"create", "get", "patch"}));
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "new");
}

TEST(ApplyIfChangedTest, SomeoneElsesObjectCreatedMeanwhileIsRefused) {
  testmocks::FakeKubeClient fake;
  json theirs = desiredCm("theirs");
  theirs["metadata"].erase("labels");
  fake.seed(kCm, theirs);
  const ApplyOptions o = ownershipCheckedCacheHoldingAll();
  auto r = applyIfChanged(fake, kCm, desiredCm("v"), nullptr, o);
  EXPECT_TRUE(isNotOwned(r.status())) << r.status().toString();
  EXPECT_EQ(verbsOf(fake), (std::vector<std::string>{"create", "get"}));  // the create was refused
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "theirs");
}

json createdEntry() {
  return R"({"manager": "clusteragent-operator", "operation": "Update", "apiVersion": "v1",
             "time": "2026-12-03T18:00:00Z", "fieldsType": "FieldsV1",
             "fieldsV1": {"f:data": {"f:k": {}}}})"_json;
}

// The ConfigMap "v" on the server with one managedFields entry, and the copy
// a cache would hold of it.
json seedWithEntry(testmocks::FakeKubeClient& fake, const json& entry) {
  json seeded = desiredCm("v");
  seeded["metadata"]["managedFields"] = json::array({entry});
  fake.seed(kCm, seeded);
  return *fake.object(kCm, "ns", "c");
}

// The object was created by our POST: its fields are held through Update, and
// before the first apply they become our Apply entry's, so that the apply
// removes what desired no longer sends.
TEST(ApplyIfChangedTest, TheFirstApplyToACreatedObjectTakesItsFieldsOverFirst) {
  testmocks::FakeKubeClient fake;
  // The cache keeps only our entries; the upgrade reads the whole object.
  json cached = seedWithEntry(fake, createdEntry());
  auto r = applyIfChanged(fake, kCm, desiredCm("w"), &cached);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(*r, ApplyOutcome::kUpdated);
  const auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].verb, "get");
  EXPECT_EQ(calls[1].verb, "patch");
  EXPECT_EQ(calls[1].patchType, kube::PatchType::kJson);
  EXPECT_EQ(calls[2].patchType, kube::PatchType::kApply);
  json after = *fake.object(kCm, "ns", "c");
  EXPECT_EQ(after["metadata"]["managedFields"][0]["operation"], "Apply");
  EXPECT_EQ(after["metadata"]["managedFields"][0]["fieldsV1"], createdEntry()["fieldsV1"]);
}

// Our entry changed since the read: the upgrade's test refuses it, and the
// apply does not go ahead on an object whose fields we do not hold yet.
TEST(ApplyIfChangedTest, AnUpgradeThatFailsStopsTheApply) {
  testmocks::FakeKubeClient fake;
  json cached = seedWithEntry(fake, createdEntry());
  fake.failNext("patch", "configmaps", kube::Status(kube::Code::kInvalid, "test failed"));
  auto r = applyIfChanged(fake, kCm, desiredCm("w"), &cached);
  EXPECT_EQ(r.status().code(), kube::Code::kInvalid) << r.status().toString();
  EXPECT_EQ((*fake.object(kCm, "ns", "c"))["data"]["k"], "v");
}

TEST(ApplyIfChangedTest, AnObjectAlreadyAppliedIsNotUpgraded) {
  testmocks::FakeKubeClient fake;
  json entry = createdEntry();
  entry["operation"] = "Apply";
  json cached = seedWithEntry(fake, entry);
  ASSERT_EQ(*applyIfChanged(fake, kCm, desiredCm("w"), &cached), ApplyOutcome::kUpdated);
  ASSERT_EQ(fake.calls().size(), 1u);
  EXPECT_EQ(fake.calls()[0].patchType, kube::PatchType::kApply);
}

}  // namespace
}  // namespace ctrl::apply
