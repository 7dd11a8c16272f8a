#include "controller/leader/write_fence.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace ctrl::leader {
namespace {

using namespace std::chrono_literals;

TEST(WriteFenceTest, ClosedUntilOpened) {
  WriteFence fence(std::make_shared<testsupport::FakeClock>());
  EXPECT_FALSE(fence.isOpen());
}

TEST(WriteFenceTest, OpenUntilTheDeadlineOnItsClock) {
  auto clock = std::make_shared<testsupport::FakeClock>();
  WriteFence fence(clock);
  fence.openUntil(clock->now() + 10s);
  EXPECT_TRUE(fence.isOpen());
  clock->advance(9999ms);
  EXPECT_TRUE(fence.isOpen());
  clock->advance(1ms);
  EXPECT_FALSE(fence.isOpen());
}

TEST(WriteFenceTest, CloseWinsOverAnyDeadline) {
  auto clock = std::make_shared<testsupport::FakeClock>();
  WriteFence fence(clock);
  fence.openIndefinitely();
  clock->advance(std::chrono::hours(24 * 365));
  EXPECT_TRUE(fence.isOpen());
  fence.close();
  EXPECT_FALSE(fence.isOpen());
  fence.openUntil(clock->now() + 1s);
  fence.close();
  EXPECT_FALSE(fence.isOpen());
}

}  // namespace
}  // namespace ctrl::leader
