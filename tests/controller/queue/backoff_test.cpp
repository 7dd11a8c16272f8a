#include "controller/queue/backoff.h"

#include <gtest/gtest.h>

namespace ctrl::queue {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, WithoutJitterDoublesToTheCapAndResets) {
  Backoff b(BackoffOptions{milliseconds(1000), milliseconds(30000), 0.0});
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(2000));
  EXPECT_EQ(b.next(), milliseconds(4000));
  EXPECT_EQ(b.next(), milliseconds(8000));
  EXPECT_EQ(b.next(), milliseconds(16000));
  EXPECT_EQ(b.next(), milliseconds(30000));
  EXPECT_EQ(b.next(), milliseconds(30000));
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(1000));
}

TEST(BackoffTest, JitterStaysWithinItsBandAndUnderTheCap) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Backoff b(BackoffOptions{milliseconds(1000), milliseconds(30000), 0.2}, seed);
    auto first = b.next();
    EXPECT_GE(first.count(), 800);
    EXPECT_LE(first.count(), 1200);
    for (int i = 0; i < 10; ++i) EXPECT_LE(b.next().count(), 30000);
  }
}

TEST(BackoffTest, JitterSpreadsClients) {
  Backoff a(BackoffOptions{}, 1), b(BackoffOptions{}, 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ = differ || a.next() != b.next();
  EXPECT_TRUE(differ);
}

}  // namespace
}  // namespace ctrl::queue
