#include "controller/queue/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace ctrl::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialLimiterTest, DoublesPerFailureUpToTheCap) {
  ItemExponentialLimiter l(milliseconds(5), seconds(1000));
  EXPECT_EQ(l.when("a"), milliseconds(5));
  EXPECT_EQ(l.when("a"), milliseconds(10));
  EXPECT_EQ(l.when("a"), milliseconds(20));
  EXPECT_EQ(l.numRequeues("a"), 3);
  EXPECT_EQ(l.when("b"), milliseconds(5));    // keys back off independently
  for (int i = 0; i < 100; ++i) l.when("a");  // far past 2^62: no overflow
  EXPECT_EQ(l.when("a"), seconds(1000));
  l.forget("a");
  EXPECT_EQ(l.numRequeues("a"), 0);
  EXPECT_EQ(l.when("a"), milliseconds(5));
}

TEST(ItemExponentialLimiterTest, ReachesTheCapAfterEighteenFailures) {
  ItemExponentialLimiter l(milliseconds(5), seconds(1000));
  milliseconds last{0};
  for (int i = 0; i < 18; ++i) last = l.when("k");
  EXPECT_EQ(last, milliseconds(5 * (1 << 17)));  // 655.36 s
  EXPECT_EQ(l.when("k"), seconds(1000));
}

TEST(RateLimiterTest, BucketCapsTheOverallRetryRate) {
  auto clock = std::make_shared<testsupport::FakeClock>();
  RateLimiter r(RateLimiterOptions{}, clock);  // 10 qps, burst 100
  for (int i = 0; i < 100; ++i) ASSERT_EQ(r.when("k" + std::to_string(i)), milliseconds(5)) << i;
  EXPECT_EQ(r.when("k100"), milliseconds(100));  // the 101st fresh key waits for a refill
  EXPECT_EQ(r.when("k101"), milliseconds(200));  // and the next queues behind it
  clock->advance(seconds(1));                    // 10 tokens back, two were owed
  for (int i = 0; i < 8; ++i) ASSERT_EQ(r.when("m" + std::to_string(i)), milliseconds(5)) << i;
  EXPECT_EQ(r.when("m8"), milliseconds(100));
}

TEST(RateLimiterTest, TakesTheLargerOfKeyBackoffAndBucket) {
  auto clock = std::make_shared<testsupport::FakeClock>();
  RateLimiter r(RateLimiterOptions{milliseconds(5), seconds(1000), 10, 2}, clock);
  EXPECT_EQ(r.when("a"), milliseconds(5));  // bucket has tokens: per-key wins
  EXPECT_EQ(r.when("b"), milliseconds(5));
  EXPECT_EQ(r.when("c"), milliseconds(100));  // bucket empty: it wins
  EXPECT_EQ(r.numRequeues("a"), 1);
  r.forget("a");
  EXPECT_EQ(r.numRequeues("a"), 0);
}

}  // namespace
}  // namespace ctrl::queue
