#include "controller/kube/backoff.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

using std::chrono::milliseconds;

BackoffPolicy policy() {
  BackoffPolicy p;
  p.initial = milliseconds(100);
  p.max = milliseconds(5000);
  p.multiplier = 2.0;
  p.jitter = 0.2;
  return p;
}

TEST(BackoffTest, GrowsExponentiallyAtMidJitter) {
  EXPECT_EQ(backoffDelay(policy(), 0, 0.5), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy(), 1, 0.5), milliseconds(200));
  EXPECT_EQ(backoffDelay(policy(), 3, 0.5), milliseconds(800));
}

TEST(BackoffTest, JitterBounds) {
  EXPECT_EQ(backoffDelay(policy(), 2, 0.0), milliseconds(320));
  EXPECT_EQ(backoffDelay(policy(), 2, 0.999999), milliseconds(479));
}

TEST(BackoffTest, CappedAtMaxEvenWithJitterAndHugeAttempts) {
  EXPECT_EQ(backoffDelay(policy(), 10, 1.0), milliseconds(5000));
  EXPECT_LE(backoffDelay(policy(), 10000, 0.99), milliseconds(5000));
  EXPECT_GE(backoffDelay(policy(), 10000, 0.0), milliseconds(4000));
}

TEST(BackoffTest, NoJitterIsDeterministic) {
  BackoffPolicy p = policy();
  p.jitter = 0;
  EXPECT_EQ(backoffDelay(p, 1, 0.0), backoffDelay(p, 1, 0.9));
}

TEST(BackoffTest, SequenceAndReset) {
  Backoff b(policy(), [] { return 0.5; });
  EXPECT_EQ(b.next(), milliseconds(100));
  EXPECT_EQ(b.next(), milliseconds(200));
  EXPECT_EQ(b.attempts(), 2);
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(100));
}

TEST(BackoffTest, DefaultRandomStaysWithinBounds) {
  Backoff b(policy());
  for (int i = 0; i < 200; ++i) {
    int attempt = b.attempts();
    auto d = b.next();
    EXPECT_GE(d, backoffDelay(policy(), attempt, 0.0));
    EXPECT_LE(d, backoffDelay(policy(), attempt, 1.0));
  }
}

}  // namespace
}  // namespace ctrl::kube
