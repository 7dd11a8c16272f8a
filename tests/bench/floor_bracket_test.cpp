#include "bench/floor_bracket.h"

#include <gtest/gtest.h>

namespace bench {
namespace {

SubjectFigures floorRun(double convergeSeconds, double writesPerCa) {
  SubjectFigures f;
  f.subject = "floor";
  f.limits = "off";
  f.n = 1000;
  f.set("converge_s", convergeSeconds);
  f.set("conv_writes_per_ca", writesPerCa);
  f.requestsByVerb["convergence"]["POST"] = 8000;
  f.note = "8 client threads";
  return f;
}

TEST(FloorBracketTest, RatiosDivideByTheMeanOfTheRunsBeforeAndAfterAndTheDriftShows) {
  SubjectFigures out = bracketFloor(floorRun(30, 10), floorRun(45, 10));
  EXPECT_EQ(out.status, "measured");
  EXPECT_DOUBLE_EQ(out.values.at("converge_s"), 37.5);
  EXPECT_DOUBLE_EQ(out.values.at("conv_writes_per_ca"), 10);
  EXPECT_DOUBLE_EQ(out.values.at("converge_s_before"), 30);
  EXPECT_DOUBLE_EQ(out.values.at("converge_s_after"), 45);
  EXPECT_DOUBLE_EQ(out.values.at("floor_drift"), 1.5);
  EXPECT_EQ(out.requestsByVerb.at("convergence").at("POST"), 8000);
  EXPECT_EQ(out.note,
            "8 client threads; mean of a run before the subjects (30.0 s) and one after (45.0 s)");
}

TEST(FloorBracketTest, AFigureOnlyTheRunBeforeHasIsKeptAsItIs) {
  SubjectFigures before = floorRun(30, 10);
  before.set("setup_create_s", 4);
  SubjectFigures out = bracketFloor(before, floorRun(40, 10));
  EXPECT_DOUBLE_EQ(out.values.at("setup_create_s"), 4);
  EXPECT_DOUBLE_EQ(out.values.at("converge_s"), 35);
}

TEST(FloorBracketTest, WhenTheRunAfterFailedTheRunBeforeStandsAloneAndTheNoteSaysWhy) {
  SubjectFigures after;
  after.subject = "floor";
  after.status = "failed";
  after.note = "did not converge";
  after.failures = {"did not converge"};
  SubjectFigures out = bracketFloor(floorRun(30, 10), after);
  EXPECT_DOUBLE_EQ(out.values.at("converge_s"), 30);
  EXPECT_FALSE(out.has("floor_drift"));
  EXPECT_NE(out.note.find("did not measure (failed: did not converge)"), std::string::npos)
      << out.note;
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0], "the run after: did not converge");
}

}  // namespace
}  // namespace bench
