#include "reconcilers/clusteragent/child_cache_transform.h"

#include <gtest/gtest.h>

#include "controller/apply/managed_fields.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {
namespace {

using nlohmann::json;

json role(bool ours) {
  json labels = {{"team", "a"}};
  if (ours) {
    labels = {{"app.kubernetes.io/managed-by", "clusteragent-operator"},
              {"argoproj.io/clusteragent", "x"}};
  }
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "Role"},
          {"metadata",
           {{"name", "x-agent"},
            {"namespace", "team"},
            {"uid", "u1"},
            {"resourceVersion", "7"},
            {"labels", labels},
            {"annotations", {{"big", std::string(4096, 'a')}}},
            {"managedFields",
             {{{"manager", "clusteragent-operator"},
               {"operation", "Apply"},
               {"fieldsV1", {{"f:rules", json::object()}}}},
              {{"manager", "kubectl-edit"},
               {"operation", "Update"},
               {"fieldsV1", {{"f:metadata", json::object()}}}},
              {{"manager", "clusteragent-operator"},
               {"operation", "Update"},
               {"subresource", "status"},
               {"fieldsV1", {{"f:status", json::object()}}}}}}}},
          {"rules", {{{"apiGroups", {""}}, {"resources", {"secrets"}}, {"verbs", {"get"}}}}}};
}

TEST(ChildCacheTransformTest, SomeoneElsesObjectKeepsOnlyWhatOwnershipReads) {
  json t = trimChildForCache(role(false));
  EXPECT_FALSE(t.contains("rules"));
  EXPECT_FALSE(t["metadata"].contains("annotations"));
  EXPECT_FALSE(t["metadata"].contains("managedFields"));
  EXPECT_EQ(t["metadata"]["name"], "x-agent");
  EXPECT_EQ(t["metadata"]["namespace"], "team");
  EXPECT_EQ(t["metadata"]["labels"]["team"], "a");
  EXPECT_EQ(t["kind"], "Role");
  EXPECT_FALSE(ownedBy(t, "team", "x"));
  EXPECT_LT(t.dump().size(), 400u);
}

TEST(ChildCacheTransformTest, OursIsKeptWholeButOtherManagersEntries) {
  json t = trimChildForCache(role(true));
  EXPECT_TRUE(t.contains("rules"));
  EXPECT_TRUE(t["metadata"].contains("annotations"));
  ASSERT_EQ(t["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(t["metadata"]["managedFields"][0]["operation"], "Apply");
  // The drift check reads the same field set as from the untrimmed object.
  json whole = role(true);
  for (const char* field : {"rules", "metadata", "status"}) {
    EXPECT_EQ(ctrl::apply::OwnedFields::of(t, "clusteragent-operator").field(field).owned(),
              ctrl::apply::OwnedFields::of(whole, "clusteragent-operator").field(field).owned())
        << field;
  }
  EXPECT_TRUE(ctrl::apply::OwnedFields::of(t, "clusteragent-operator").field("rules").owned());
  EXPECT_FALSE(ctrl::apply::OwnedFields::of(t, "clusteragent-operator").field("status").owned());
  EXPECT_TRUE(ownedBy(t, "team", "x"));
}

// Created by our POST: the entry that says so (operation Update) is what
// tells the first apply to take the fields over (ownership_upgrade.h).
TEST(ChildCacheTransformTest, OurCreatesUpdateEntryIsKept) {
  json r = role(true);
  r["metadata"]["managedFields"][0]["operation"] = "Update";
  json t = trimChildForCache(r);
  ASSERT_EQ(t["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(t["metadata"]["managedFields"][0], r["metadata"]["managedFields"][0]);
  EXPECT_TRUE(ctrl::apply::heldThroughUpdate(t, "clusteragent-operator"));
}

}  // namespace
}  // namespace clusteragent
