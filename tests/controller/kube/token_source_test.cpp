#include "controller/kube/token_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;

class ManualClock : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point(now_.time_since_epoch());
  }
  void advance(std::chrono::nanoseconds d) { now_ += d; }

 private:
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

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
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
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
