#include "tests/kubelet/log_tail.h"

#include <gtest/gtest.h>

namespace processkubelet {
namespace {

TEST(LogTailTest, TailLinesCountsFromTheEnd) {
  const std::string log = "one\ntwo\nthree\n";
  EXPECT_EQ(selectLogTail(log, 0, 0), log);
  EXPECT_EQ(selectLogTail(log, 1, 0), "three\n");
  EXPECT_EQ(selectLogTail(log, 2, 0), "two\nthree\n");
  EXPECT_EQ(selectLogTail(log, 3, 0), log);
  EXPECT_EQ(selectLogTail(log, 10, 0), log);
  // A last line still being written counts as a line.
  EXPECT_EQ(selectLogTail("one\ntwo", 1, 0), "two");
  EXPECT_EQ(selectLogTail("", 5, 0), "");
}

TEST(LogTailTest, LimitBytesCutsTheSelection) {
  EXPECT_EQ(selectLogTail("one\ntwo\nthree\n", 2, 5), "two\nt");
  EXPECT_EQ(selectLogTail("abc", 0, 10), "abc");
}

TEST(LogTailTest, OnlyContainerLogPathsOfNamesAreServed) {
  std::string ns, pod, c;
  ASSERT_TRUE(parseContainerLogPath("/containerLogs/e2e-1/agent-7f9-x/agent", &ns, &pod, &c));
  EXPECT_EQ(ns, "e2e-1");
  EXPECT_EQ(pod, "agent-7f9-x");
  EXPECT_EQ(c, "agent");
  for (const char* bad : {"/containerLogs/a/b", "/containerLogs/a/b/c/d", "/containerLogs/../b/c",
                          "/containerLogs/a/../c", "/containerLogs/a/b/C", "/logs/a/b/c",
                          "/containerLogs/a//c", "/containerLogs/a/b/c%2F"}) {
    EXPECT_FALSE(parseContainerLogPath(bad, &ns, &pod, &c)) << bad;
  }
}

}  // namespace
}  // namespace processkubelet
