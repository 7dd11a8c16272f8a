#include "controller/kube/http_thread_pool.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

TEST(HttpThreadPoolTest, ZeroThreadsIsRefused) {
  EXPECT_EQ(configureHttpThreadPool(0).code(), Code::kInvalidArgument);
}

// The pool is the process's: once it runs (sized here, or started by an
// earlier test's client), a second sizing is an error, not a silent no-op.
TEST(HttpThreadPoolTest, TheSecondSizingFailsNamingWhy) {
  const Status first = configureHttpThreadPool(kDefaultHttpThreads);
  EXPECT_TRUE(first.isOk() || first.code() == Code::kInternal) << first.toString();
  const Status second = configureHttpThreadPool(kDefaultHttpThreads);
  EXPECT_EQ(second.code(), Code::kInternal);
  EXPECT_NE(second.message().find("already been initialized"), std::string::npos)
      << second.toString();
}

}  // namespace
}  // namespace ctrl::kube
