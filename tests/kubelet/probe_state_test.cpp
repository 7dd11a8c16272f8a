#include "tests/kubelet/probe_state.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace processkubelet {
namespace {

using nlohmann::json;
using std::chrono::seconds;

TEST(ParseProbeTest, DefaultsAreTheApiDefaults) {
  auto spec = parseProbe({{"httpGet", {{"port", 8080}}}}, json::object());
  EXPECT_EQ(spec.action, ProbeSpec::Action::kHttpGet);
  EXPECT_EQ(spec.path, "/");
  EXPECT_EQ(spec.port, 8080);
  EXPECT_EQ(spec.initialDelay, seconds(0));
  EXPECT_EQ(spec.period, seconds(10));
  EXPECT_EQ(spec.timeout, seconds(1));
  EXPECT_EQ(spec.successThreshold, 1);
  EXPECT_EQ(spec.failureThreshold, 3);
}

TEST(ParseProbeTest, NamedPortsComeFromTheContainer) {
  json container = {{"ports", {{{"name", "health"}, {"containerPort", 8002}}}}};
  auto spec = parseProbe({{"tcpSocket", {{"port", "health"}}},
                          {"initialDelaySeconds", 15},
                          {"periodSeconds", 20},
                          {"timeoutSeconds", 2},
                          {"failureThreshold", 5}},
                         container);
  EXPECT_EQ(spec.action, ProbeSpec::Action::kTcpSocket);
  EXPECT_EQ(spec.port, 8002);
  EXPECT_EQ(spec.initialDelay, seconds(15));
  EXPECT_EQ(spec.period, seconds(20));
  EXPECT_EQ(spec.timeout, seconds(2));
  EXPECT_EQ(spec.failureThreshold, 5);
}

class ProbeStateTest : public ::testing::Test {
 protected:
  ProbeSpec spec(int delay, int period, int success, int failure) {
    ProbeSpec s;
    s.action = ProbeSpec::Action::kTcpSocket;
    s.initialDelay = seconds(delay);
    s.period = seconds(period);
    s.successThreshold = success;
    s.failureThreshold = failure;
    return s;
  }
  // One attempt if due, with the given outcome; returns whether it was due.
  bool attempt(ProbeState& p, bool success) {
    if (!p.due(clock_.now())) return false;
    p.attemptStarted(clock_.now());
    p.attemptFinished(success);
    return true;
  }
  testsupport::FakeClock clock_;
};

TEST_F(ProbeStateTest, InitialResults) {
  const auto t0 = clock_.now();
  EXPECT_FALSE(ProbeState(ProbeState::Kind::kReadiness, spec(0, 10, 1, 3), t0).result());
  EXPECT_FALSE(ProbeState(ProbeState::Kind::kStartup, spec(0, 10, 1, 3), t0).result());
  EXPECT_TRUE(ProbeState(ProbeState::Kind::kLiveness, spec(0, 10, 1, 3), t0).result());
}

TEST_F(ProbeStateTest, WaitsForTheInitialDelayThenRunsEveryPeriod) {
  ProbeState p(ProbeState::Kind::kReadiness, spec(5, 10, 1, 3), clock_.now());
  EXPECT_FALSE(p.due(clock_.now()));
  clock_.advance(seconds(4));
  EXPECT_FALSE(p.due(clock_.now()));
  clock_.advance(seconds(1));
  EXPECT_TRUE(attempt(p, true));
  EXPECT_TRUE(p.result());
  clock_.advance(seconds(9));
  EXPECT_FALSE(p.due(clock_.now()));
  clock_.advance(seconds(1));
  EXPECT_TRUE(p.due(clock_.now()));
}

TEST_F(ProbeStateTest, NoSecondAttemptWhileOneIsInFlight) {
  ProbeState p(ProbeState::Kind::kReadiness, spec(0, 1, 1, 3), clock_.now());
  p.attemptStarted(clock_.now());
  clock_.advance(seconds(5));
  EXPECT_FALSE(p.due(clock_.now()));
  p.attemptFinished(true);
  EXPECT_TRUE(p.due(clock_.now()));
}

TEST_F(ProbeStateTest, LivenessFailsOnlyAfterFailureThresholdConsecutiveFailures) {
  ProbeState p(ProbeState::Kind::kLiveness, spec(0, 10, 1, 3), clock_.now());
  ASSERT_TRUE(attempt(p, false));
  clock_.advance(seconds(10));
  ASSERT_TRUE(attempt(p, false));
  EXPECT_TRUE(p.result());
  clock_.advance(seconds(10));
  ASSERT_TRUE(attempt(p, true));  // a success resets the count
  clock_.advance(seconds(10));
  ASSERT_TRUE(attempt(p, false));
  clock_.advance(seconds(10));
  ASSERT_TRUE(attempt(p, false));
  EXPECT_TRUE(p.result());
  EXPECT_EQ(p.consecutiveFailures(), 2);
  clock_.advance(seconds(10));
  ASSERT_TRUE(attempt(p, false));
  EXPECT_FALSE(p.result());
}

TEST_F(ProbeStateTest, ReadinessNeedsSuccessThresholdConsecutiveSuccesses) {
  ProbeState p(ProbeState::Kind::kReadiness, spec(0, 1, 2, 1), clock_.now());
  ASSERT_TRUE(attempt(p, true));
  EXPECT_FALSE(p.result());
  clock_.advance(seconds(1));
  ASSERT_TRUE(attempt(p, true));
  EXPECT_TRUE(p.result());
  clock_.advance(seconds(1));
  ASSERT_TRUE(attempt(p, false));  // failureThreshold 1
  EXPECT_FALSE(p.result());
  clock_.advance(seconds(1));
  ASSERT_TRUE(attempt(p, true));
  EXPECT_FALSE(p.result());
}

}  // namespace
}  // namespace processkubelet
