#include "controller/kube/status.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.toString(), "OK");
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  Status s(Code::kNotFound, "deployments.apps \"x\" not found");
  EXPECT_EQ(s.toString(), "NotFound: deployments.apps \"x\" not found");
  EXPECT_TRUE(isNotFound(s));
}

TEST(StatusTest, EveryCodeHasAName) {
  for (int c = static_cast<int>(Code::kOk); c <= static_cast<int>(Code::kInternal); ++c) {
    EXPECT_STRNE(codeName(static_cast<Code>(c)), "Unknown") << c;
  }
}

TEST(StatusTest, RetryableCodes) {
  EXPECT_TRUE(isRetryable(Status(Code::kTooManyRequests, "")));
  EXPECT_TRUE(isRetryable(Status(Code::kServerError, "")));
  EXPECT_TRUE(isRetryable(Status(Code::kTimeout, "")));
  EXPECT_TRUE(isRetryable(Status(Code::kUnavailable, "")));
  EXPECT_FALSE(isRetryable(Status(Code::kConflict, "")));
  EXPECT_FALSE(isRetryable(Status(Code::kGone, "")));
  EXPECT_FALSE(isRetryable(Status(Code::kInvalid, "")));
  EXPECT_FALSE(isRetryable(Status(Code::kNotFound, "")));
  EXPECT_FALSE(isRetryable(Status(Code::kCancelled, "")));
  EXPECT_FALSE(isRetryable(Status()));
}

TEST(StatusTest, StatusOrCarriesValueOrError) {
  StatusOr<int> v(5);
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(*v, 5);
  StatusOr<int> e(Status(Code::kGone, "too old"));
  EXPECT_FALSE(e.isOk());
  EXPECT_TRUE(isGone(e.status()));
}

}  // namespace
}  // namespace ctrl::kube
