#include "controller/kube/apf_rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
using testsupport::FakeClock;

class ApfRateLimiterTest : public ::testing::Test {
 protected:
  ApfRateLimiter make(ApfRateLimiterOptions o = {}) { return ApfRateLimiter(o, clock_); }
  void send(ApfRateLimiter& l, int n) {
    for (int i = 0; i < n; ++i) l.accept();
  }
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
};

TEST_F(ApfRateLimiterTest, TheFixedLimitHoldsUntilTheServerShowsApf) {
  auto l = make();
  EXPECT_EQ(l.currentQps(), 20);
  l.observe(200, false);
  l.observe(429, false);  // not APF's: nothing to follow
  EXPECT_EQ(l.currentQps(), 20);
  EXPECT_FALSE(l.apfSeen());
  l.observe(200, true);
  EXPECT_TRUE(l.apfSeen());
  EXPECT_EQ(l.currentQps(), 0);  // no client-side limit
}

TEST_F(ApfRateLimiterTest, FixedThrottlingIgnoresApf) {
  ApfRateLimiterOptions o;
  o.followApf = false;
  auto l = make(o);
  l.observe(200, true);
  l.observe(429, true);
  EXPECT_EQ(l.currentQps(), 20);
  EXPECT_FALSE(l.apfSeen());
}

TEST_F(ApfRateLimiterTest, A429HalvesWhatWasSentAndQuietSecondsLiftItAgain) {
  auto l = make();
  l.observe(200, true);
  send(l, 300);  // within one second, unthrottled
  l.observe(429, true);
  EXPECT_EQ(l.currentQps(), 150);
  // The rest of the same overload's 429s do not halve it again.
  l.observe(429, true);
  l.observe(429, true);
  EXPECT_EQ(l.currentQps(), 150);
  // A quarter more per second without a 429, until no limit is needed.
  double last = l.currentQps();
  int seconds = 0;
  while (l.currentQps() != 0 && seconds < 60) {
    clock_->advance(1s);
    ++seconds;
    l.accept();
    if (l.currentQps() != 0) {
      EXPECT_NEAR(l.currentQps(), last * 1.25, 1e-9);
      last = l.currentQps();
    }
  }
  EXPECT_EQ(l.currentQps(), 0);
  EXPECT_EQ(seconds, 9);  // 150 * 1.25^8 = 894; * 1.25 again passes 1000
}

TEST_F(ApfRateLimiterTest, RepeatedOverloadsHalveEachSecondDownToTheFloor) {
  auto l = make();
  l.observe(200, true);
  send(l, 40);
  l.observe(429, true);
  EXPECT_EQ(l.currentQps(), 20);
  for (int i = 0; i < 5; ++i) {
    clock_->advance(1s);
    l.observe(429, true);
  }
  EXPECT_EQ(l.currentQps(), 5);  // minQps
}

TEST_F(ApfRateLimiterTest, ACeilingHoldsEvenUnderApf) {
  ApfRateLimiterOptions o;
  o.maxQps = 100;
  auto l = make(o);
  l.observe(200, true);
  EXPECT_EQ(l.currentQps(), 100);
  send(l, 20);
  l.observe(429, true);
  EXPECT_EQ(l.currentQps(), 10);
  for (int i = 0; i < 30; ++i) {
    clock_->advance(1s);
    l.accept();
  }
  EXPECT_EQ(l.currentQps(), 100);
}

}  // namespace
}  // namespace ctrl::kube
