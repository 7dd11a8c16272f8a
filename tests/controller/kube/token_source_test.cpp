#include "controller/kube/token_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/fake_clock.h"

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
using testsupport::FakeClock;

class TokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/token_source_test_XXXXXX";
    int fd = mkstemp(tmpl);
    ::close(fd);
    path_ = tmpl;
  }
  void TearDown() override { ::unlink(path_.c_str()); }
  void writeToken(const std::string& t) { std::ofstream(path_, std::ios::trunc) << t; }
  std::string path_;
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
};

TEST_F(TokenSourceTest, StaticToken) {
  TokenSource src("abc", "", clock_);
  EXPECT_EQ(src.token().value(), "abc");
  EXPECT_FALSE(src.fromFile());
}

TEST_F(TokenSourceTest, RereadsFileAfterRefreshInterval) {
  writeToken("one\n");
  TokenSource src("", path_, clock_, 60s);
  EXPECT_EQ(src.token().value(), "one");
  writeToken("two");
  clock_->advance(30s);
  EXPECT_EQ(src.token().value(), "one");  // cached
  clock_->advance(31s);
  EXPECT_EQ(src.token().value(), "two");
}

TEST_F(TokenSourceTest, InvalidateForcesReread) {
  writeToken("one");
  TokenSource src("", path_, clock_, 60s);
  EXPECT_EQ(src.token().value(), "one");
  writeToken("rotated");
  src.invalidate();
  EXPECT_EQ(src.token().value(), "rotated");
}

TEST_F(TokenSourceTest, KeepsLastGoodTokenWhileFileIsBeingRewritten) {
  writeToken("one");
  TokenSource src("", path_, clock_, 60s);
  EXPECT_EQ(src.token().value(), "one");
  writeToken("");
  clock_->advance(61s);
  EXPECT_EQ(src.token().value(), "one");
}

TEST_F(TokenSourceTest, MissingFileErrorNamesFileOnly) {
  TokenSource src("", "/nonexistent/token", clock_);
  auto t = src.token();
  EXPECT_EQ(t.status().code(), Code::kInvalidArgument);
  EXPECT_NE(t.status().message().find("/nonexistent/token"), std::string::npos);
}

}  // namespace
}  // namespace ctrl::kube
