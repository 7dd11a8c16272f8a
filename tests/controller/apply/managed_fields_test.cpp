#include "controller/apply/managed_fields.h"

#include <gtest/gtest.h>

namespace ctrl::apply {
namespace {

json entry(const std::string& manager, const std::string& operation, const json& fields,
           const std::string& subresource = "") {
  json e = {{"manager", manager},
            {"operation", operation},
            {"fieldsType", "FieldsV1"},
            {"fieldsV1", fields}};
  if (!subresource.empty()) e["subresource"] = subresource;
  return e;
}

json liveWith(const json& managedFields) {
  return {{"metadata", {{"name", "x"}, {"managedFields", managedFields}}}};
}

const json kLabelA = R"({"f:metadata": {"f:labels": {"f:a": {}}}})"_json;
const json kLabelB = R"({"f:metadata": {"f:labels": {"f:b": {}}}})"_json;

// A POST records operation Update: until our first apply, that entry is what
// we own.
TEST(OwnedFieldsOfTest, TheCreatesUpdateEntryCountsWhenThereIsNoApplyEntry) {
  json live = liveWith(
      json::array({entry("other", "Update", kLabelB), entry(kFieldManager, "Update", kLabelA)}));
  OwnedFields owned = OwnedFields::of(live, kFieldManager);
  EXPECT_TRUE(owned.field("metadata").field("labels").field("a").owned());
  EXPECT_FALSE(owned.field("metadata").field("labels").field("b").owned());
}

TEST(OwnedFieldsOfTest, TheApplyEntryWinsOverTheUpdateEntry) {
  json live = liveWith(json::array(
      {entry(kFieldManager, "Update", kLabelA), entry(kFieldManager, "Apply", kLabelB)}));
  OwnedFields owned = OwnedFields::of(live, kFieldManager);
  EXPECT_FALSE(owned.field("metadata").field("labels").field("a").owned());
  EXPECT_TRUE(owned.field("metadata").field("labels").field("b").owned());
}

TEST(OwnedFieldsOfTest, AStatusUpdateEntryIsNotOwnershipOfTheObject) {
  json live = liveWith(json::array({entry(kFieldManager, "Update", kLabelA, "status")}));
  EXPECT_FALSE(OwnedFields::of(live, kFieldManager).owned());
  EXPECT_FALSE(heldThroughUpdate(live, kFieldManager));
}

TEST(HeldThroughUpdateTest, OnlyOurNonEmptyUpdateEntryOnTheMainResource) {
  EXPECT_TRUE(heldThroughUpdate(liveWith(json::array({entry(kFieldManager, "Update", kLabelA)})),
                                kFieldManager));
  EXPECT_FALSE(heldThroughUpdate(liveWith(json::array({entry(kFieldManager, "Apply", kLabelA)})),
                                 kFieldManager));
  EXPECT_FALSE(
      heldThroughUpdate(liveWith(json::array({entry("other", "Update", kLabelA)})), kFieldManager));
  EXPECT_FALSE(heldThroughUpdate(
      liveWith(json::array({entry(kFieldManager, "Update", json::object())})), kFieldManager));
  EXPECT_FALSE(heldThroughUpdate(json{{"metadata", {{"name", "x"}}}}, kFieldManager));
}

TEST(EntriesOfTest, KeepsOurApplyAndUpdateEntriesOnTheMainResourceInOrder) {
  json all = json::array(
      {entry("kube-controller-manager", "Update", kLabelB), entry(kFieldManager, "Update", kLabelA),
       entry(kFieldManager, "Update", kLabelB, "status"), entry(kFieldManager, "Apply", kLabelB)});
  json kept = entriesOf(all, kFieldManager);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], all[1]);
  EXPECT_EQ(kept[1], all[3]);
  EXPECT_EQ(entriesOf(json(), kFieldManager), json::array());
}

}  // namespace
}  // namespace ctrl::apply
