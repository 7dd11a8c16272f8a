#include "controller/clock/rfc3339.h"

#include <gtest/gtest.h>

namespace ctrl {
namespace {

TEST(Rfc3339Test, FormatsAndParsesMicroTime) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2026-01-02T15:04:05.123456Z", &t));
  EXPECT_EQ(formatMicroTime(t), "2026-01-02T15:04:05.123456Z");
}

TEST(Rfc3339Test, ParsesSecondPrecisionAndLongFractions) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2026-01-02T15:04:05Z", &t));
  EXPECT_EQ(formatMicroTime(t), "2026-01-02T15:04:05.000000Z");
  ASSERT_TRUE(parseRfc3339("2026-01-02T15:04:05.1234567891Z", &t));
  EXPECT_EQ(formatMicroTime(t), "2026-01-02T15:04:05.123456Z");
}

TEST(Rfc3339Test, FormatsSecondsMillisecondsAndMicrosecondsTruncated) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2026-01-02T15:04:05.987654Z", &t));
  EXPECT_EQ(formatRfc3339(t), "2026-01-02T15:04:05Z");
  EXPECT_EQ(formatRfc3339(t, 3), "2026-01-02T15:04:05.987Z");
  EXPECT_EQ(formatRfc3339(t, 6), "2026-01-02T15:04:05.987654Z");
}

TEST(Rfc3339Test, RefusesWhatIsNotUtc) {
  std::chrono::system_clock::time_point t;
  EXPECT_FALSE(parseRfc3339("yesterday", &t));
  EXPECT_FALSE(parseRfc3339("2026-01-02T15:04:05", &t));
  EXPECT_FALSE(parseRfc3339("2026-01-02T15:04:05+01:00", &t));
  EXPECT_FALSE(parseRfc3339("", &t));
}

}  // namespace
}  // namespace ctrl
