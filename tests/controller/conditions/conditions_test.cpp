#include "controller/conditions/conditions.h"

#include <gtest/gtest.h>

namespace ctrl::conditions {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kT0 =
    system_clock::time_point(seconds(1764400000));  // 2025-11-29T07:06:40Z
const system_clock::time_point kT1 = kT0 + seconds(60);

Condition cond(const std::string& status, const std::string& reason = "R",
               const std::string& message = "m", int64_t gen = 1) {
  return Condition{"Ready", status, reason, message, gen, ""};
}

TEST(ConditionsTest, FormatsRfc3339Utc) {
  EXPECT_EQ(formatTime(kT0), "2025-11-29T07:06:40Z");
}

TEST(ConditionsTest, AddsNewConditionWithTransitionTimeNow) {
  json conds;
  EXPECT_TRUE(setCondition(&conds, cond(kTrue), kT0));
  ASSERT_TRUE(conds.is_array());
  const json* c = findCondition(conds, "Ready");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["status"], "True");
  EXPECT_EQ((*c)["reason"], "R");
  EXPECT_EQ((*c)["message"], "m");
  EXPECT_EQ((*c)["observedGeneration"], 1);
  EXPECT_EQ((*c)["lastTransitionTime"], "2025-11-29T07:06:40Z");
  EXPECT_TRUE(isTrue(conds, "Ready"));
}

TEST(ConditionsTest, SameConditionAgainChangesNothing) {
  json conds;
  setCondition(&conds, cond(kTrue), kT0);
  json before = conds;
  EXPECT_FALSE(setCondition(&conds, cond(kTrue), kT1));
  EXPECT_EQ(conds, before);
}

TEST(ConditionsTest, ReasonOrMessageChangeKeepsTransitionTime) {
  json conds;
  setCondition(&conds, cond(kFalse, "A", "one"), kT0);
  EXPECT_TRUE(setCondition(&conds, cond(kFalse, "B", "two"), kT1));
  const json* c = findCondition(conds, "Ready");
  EXPECT_EQ((*c)["reason"], "B");
  EXPECT_EQ((*c)["message"], "two");
  EXPECT_EQ((*c)["lastTransitionTime"], formatTime(kT0));
}

TEST(ConditionsTest, ObservedGenerationChangeIsAChangeWithoutTransition) {
  json conds;
  setCondition(&conds, cond(kTrue, "R", "m", 1), kT0);
  EXPECT_TRUE(setCondition(&conds, cond(kTrue, "R", "m", 2), kT1));
  EXPECT_EQ((*findCondition(conds, "Ready"))["observedGeneration"], 2);
  EXPECT_EQ((*findCondition(conds, "Ready"))["lastTransitionTime"], formatTime(kT0));
}

TEST(ConditionsTest, StatusFlipMovesTransitionTime) {
  json conds;
  setCondition(&conds, cond(kTrue), kT0);
  EXPECT_TRUE(setCondition(&conds, cond(kFalse), kT1));
  EXPECT_EQ((*findCondition(conds, "Ready"))["lastTransitionTime"], formatTime(kT1));
  EXPECT_FALSE(isTrue(conds, "Ready"));
  EXPECT_TRUE(isStatus(conds, "Ready", kFalse));
}

TEST(ConditionsTest, ServerShapedConditionWithoutObservedGenerationIsStable) {
  // The API omits observedGeneration 0; reading it back must not look like a change.
  json conds = json::array({{{"type", "Ready"},
                             {"status", "True"},
                             {"reason", "R"},
                             {"message", "m"},
                             {"lastTransitionTime", formatTime(kT0)}}});
  EXPECT_FALSE(setCondition(&conds, cond(kTrue, "R", "m", 0), kT1));
}

TEST(ConditionsTest, OtherConditionsAreLeftAlone) {
  json conds;
  setCondition(&conds, Condition{"A", kTrue, "R", "", 1, ""}, kT0);
  setCondition(&conds, Condition{"B", kFalse, "R", "", 1, ""}, kT0);
  EXPECT_TRUE(setCondition(&conds, Condition{"B", kTrue, "R", "", 1, ""}, kT1));
  EXPECT_EQ(conds.size(), 2u);
  EXPECT_EQ((*findCondition(conds, "A"))["lastTransitionTime"], formatTime(kT0));
  EXPECT_EQ(conds[0]["type"], "A");  // order is stable
}

TEST(ConditionsTest, RemoveCondition) {
  json conds;
  setCondition(&conds, cond(kTrue), kT0);
  EXPECT_TRUE(removeCondition(&conds, "Ready"));
  EXPECT_FALSE(removeCondition(&conds, "Ready"));
  EXPECT_EQ(findCondition(conds, "Ready"), nullptr);
  json notArray = "x";
  EXPECT_FALSE(removeCondition(&notArray, "Ready"));
  EXPECT_EQ(findCondition(notArray, "Ready"), nullptr);
}

TEST(ConditionsTest, FromJsonToleratesPartialObjects) {
  Condition c = Condition::fromJson(json{{"type", "X"}});
  EXPECT_EQ(c.type, "X");
  EXPECT_EQ(c.observedGeneration, 0);
  EXPECT_EQ(Condition::fromJson(json("bad")).type, "");
}

}  // namespace
}  // namespace ctrl::conditions
