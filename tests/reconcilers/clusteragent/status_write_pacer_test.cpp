#include "reconcilers/clusteragent/status_write_pacer.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

using namespace std::chrono_literals;

const auto kT0 = std::chrono::system_clock::time_point(std::chrono::seconds(1764400000));

TEST(StatusWritePacerTest, DetailWaitsForTheIntervalSinceTheLastWrite) {
  StatusWritePacer p(5s);
  EXPECT_FALSE(p.deferMinor("ns/a", kT0));  // never written: at once
  p.wrote("ns/a", kT0);
  auto wait = p.deferMinor("ns/a", kT0 + 1500ms);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 3500ms);
  EXPECT_FALSE(p.deferMinor("ns/b", kT0 + 1500ms));  // per ClusterAgent
  EXPECT_FALSE(p.deferMinor("ns/a", kT0 + 5s));
  p.forget("ns/a");
  EXPECT_FALSE(p.deferMinor("ns/a", kT0 + 1s));
}

TEST(StatusWritePacerTest, AZeroIntervalNeverDefers) {
  StatusWritePacer p(0ms);
  p.wrote("ns/a", kT0);
  EXPECT_FALSE(p.deferMinor("ns/a", kT0));
}

TEST(StatusWritePacerTest, TheWaitIsRoundedUpSoTheRequeueFindsItDue) {
  StatusWritePacer p(5s);
  p.wrote("ns/a", kT0);
  const auto now = kT0 + std::chrono::microseconds(1500);
  auto wait = p.deferMinor("ns/a", now);
  ASSERT_TRUE(wait);
  EXPECT_FALSE(p.deferMinor("ns/a", now + *wait));
}

}  // namespace
}  // namespace clusteragent
