#include "controller/kube/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
using testsupport::FakeClock;

TEST(RateLimiterTest, BurstThenQps) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucketRateLimiter limiter(10, 3, clock);
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_FALSE(limiter.tryAccept());
  clock->advance(100ms);  // one token at 10 qps
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_FALSE(limiter.tryAccept());
}

TEST(RateLimiterTest, ReserveReturnsWaitAndQueuesDebt) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucketRateLimiter limiter(20, 2, clock);
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 0ns);
  auto w1 = limiter.reserve();
  auto w2 = limiter.reserve();
  EXPECT_NEAR(std::chrono::duration<double>(w1).count(), 0.05, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(w2).count(), 0.10, 1e-6);
  clock->advance(100ms);
  EXPECT_NEAR(std::chrono::duration<double>(limiter.reserve()).count(), 0.05, 1e-6);
}

TEST(RateLimiterTest, RefillCappedAtBurst) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucketRateLimiter limiter(100, 2, clock);
  clock->advance(1h);
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_TRUE(limiter.tryAccept());
  EXPECT_FALSE(limiter.tryAccept());
}

TEST(RateLimiterTest, ZeroQpsIsUnlimited) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucketRateLimiter limiter(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.reserve(), 0ns);
  EXPECT_TRUE(limiter.tryAccept());
}

}  // namespace
}  // namespace ctrl::kube
