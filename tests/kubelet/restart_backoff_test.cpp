#include "tests/kubelet/restart_backoff.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace processkubelet {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(RestartBackoffTest, FirstRestartIsImmediateThenTenSecondsDoublingToFiveMinutes) {
  testsupport::FakeClock clock;
  RestartBackoff b;
  // First exit: no back-off yet.
  EXPECT_EQ(b.restartAt(clock.now()), clock.now());
  b.restarted(clock.now());
  seconds expected(10);
  for (int i = 0; i < 8; ++i) {
    const auto restartedAt = clock.now();
    clock.advance(seconds(1));  // crashes a second after each start
    EXPECT_EQ(b.restartAt(clock.now()), restartedAt + expected) << "crash " << i;
    EXPECT_EQ(b.current(), expected);
    clock.advance(b.restartAt(clock.now()) - clock.now());
    b.restarted(clock.now());
    expected = std::min<seconds>(expected * 2, minutes(5));
  }
  EXPECT_EQ(b.current(), minutes(5));
}

TEST(RestartBackoffTest, AContainerThatRanLongerThanTheBackOffRestartsAtOnce) {
  testsupport::FakeClock clock;
  RestartBackoff b;
  b.restarted(clock.now());
  clock.advance(seconds(11));
  EXPECT_EQ(b.restartAt(clock.now()), clock.now());
}

TEST(RestartBackoffTest, ResetsAfterTwiceTheMaximumWithoutRestarts) {
  testsupport::FakeClock clock;
  RestartBackoff b;
  b.restarted(clock.now());
  clock.advance(seconds(1));
  b.restarted(clock.now());
  EXPECT_EQ(b.current(), seconds(20));
  clock.advance(minutes(11));
  b.restarted(clock.now());
  EXPECT_EQ(b.current(), seconds(10));
}

}  // namespace
}  // namespace processkubelet
