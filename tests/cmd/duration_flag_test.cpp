#include "cmd/duration_flag.h"

#include <gtest/gtest.h>

#include "cmd/flags.h"

namespace cmd {
namespace {

using std::chrono::milliseconds;

TEST(DurationFlagTest, Units) {
  EXPECT_EQ(parseDurationFlag("500ms"), milliseconds(500));
  EXPECT_EQ(parseDurationFlag("5s"), milliseconds(5000));
  EXPECT_EQ(parseDurationFlag("2m"), milliseconds(120000));
  EXPECT_EQ(parseDurationFlag("1h"), milliseconds(3600000));
  for (const char* bad : {"", "5", "0s", "-1s", "1.5s", "s", "5 s", "5d"}) {
    EXPECT_FALSE(parseDurationFlag(bad)) << bad;
  }
}

TEST(DurationFlagTest, ProbeFlags) {
  auto f = parseFlags({}, false);
  ASSERT_TRUE(f.isOk());
  EXPECT_EQ(f->probeInterval, milliseconds(60000));
  EXPECT_EQ(f->probeTimeout, milliseconds(5000));
  f = parseFlags({"--probe-interval=1s", "--probe-timeout", "300ms"}, false);
  ASSERT_TRUE(f.isOk());
  EXPECT_EQ(f->probeInterval, milliseconds(1000));
  EXPECT_EQ(f->probeTimeout, milliseconds(300));
  EXPECT_FALSE(parseFlags({"--probe-interval=soon"}, false).isOk());
  EXPECT_NE(usage("op").find("--probe-interval"), std::string::npos);
}

}  // namespace
}  // namespace cmd
