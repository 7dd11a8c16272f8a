#include "reconcilers/clusteragent/prober/certificate_expiry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/clock/rfc3339.h"

namespace clusteragent::prober {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

// 2026-11-29T07:30:00Z
const auto kNow = std::chrono::system_clock::from_time_t(1795937400);

TEST(CertificateExpiryTest, FormatsRfc3339Utc) {
  EXPECT_EQ(ctrl::formatRfc3339(kNow), "2026-11-29T07:30:00Z");
  EXPECT_EQ(ctrl::formatRfc3339(kNow + std::chrono::milliseconds(999)), "2026-11-29T07:30:00Z");
}

TEST(CertificateExpiryTest, ExpiresWithinTheWindow) {
  EXPECT_FALSE(expiresWithin(kNow + hours(24 * 15), kNow));
  EXPECT_TRUE(expiresWithin(kNow + hours(24 * 14), kNow));
  EXPECT_TRUE(expiresWithin(kNow + hours(1), kNow));
  EXPECT_TRUE(expiresWithin(kNow - hours(1), kNow));  // already expired
  EXPECT_FALSE(expiresWithin(kNow + hours(2), kNow, hours(1)));
}

TEST(CertificateExpiryTest, DescribesRelativeTimeCoarsely) {
  EXPECT_EQ(describeRelative(kNow + hours(24 * 13) + hours(5), kNow), "in 13 days");
  EXPECT_EQ(describeRelative(kNow + hours(24), kNow), "in 1 day");
  EXPECT_EQ(describeRelative(kNow + hours(5) + minutes(59), kNow), "in 5 hours");
  EXPECT_EQ(describeRelative(kNow + minutes(1), kNow), "in 1 minute");
  EXPECT_EQ(describeRelative(kNow + seconds(30), kNow), "in less than a minute");
  EXPECT_EQ(describeRelative(kNow - hours(48), kNow), "2 days ago");
}

TEST(CertificateExpiryTest, WarningOnlyInsideTheWindow) {
  EXPECT_FALSE(certificateExpiryWarning(kNow + hours(24 * 30), kNow).has_value());

  auto soon = certificateExpiryWarning(kNow + hours(24 * 3), kNow);
  ASSERT_TRUE(soon.has_value());
  EXPECT_EQ(*soon,
            "the server certificate expires in 3 days (2026-12-02T07:30:00Z); renew it before the "
            "agent loses its connection");

  auto past = certificateExpiryWarning(kNow - hours(24), kNow);
  ASSERT_TRUE(past.has_value());
  EXPECT_THAT(*past, HasSubstr("expired 1 day ago (2026-11-28T07:30:00Z)"));
}

}  // namespace
}  // namespace clusteragent::prober
