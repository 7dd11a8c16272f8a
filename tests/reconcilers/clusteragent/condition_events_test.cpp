#include "reconcilers/clusteragent/condition_events.h"

#include <gtest/gtest.h>

#include <vector>

#include "reconcilers/clusteragent/condition_types.h"

namespace clusteragent {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

json deployment(int64_t gen, int64_t observed, int64_t updated, int64_t available) {
  return json{{"metadata", {{"name", "a-agent"}, {"generation", gen}}},
              {"spec", {{"replicas", 1}}},
              {"status",
               {{"observedGeneration", observed},
                {"replicas", updated},
                {"updatedReplicas", updated},
                {"availableReplicas", available}}}};
}

AgentConnection connection(const std::string& reason) {
  AgentConnection c;
  c.connected = reason == "Connected";
  c.reason = reason;
  c.message = "agent " + reason;
  return c;
}

// Feeds a ClusterAgent's successive observations through nextStatus, as the
// reconciler does, and keeps the Events the flips give.
class ConditionEventsTest : public ::testing::Test {
 protected:
  void observe(const StatusInputs& in) {
    std::vector<ConditionFlip> flips;
    now_ += seconds(1);
    status_ = nextStatus(status_, evaluateStatus(in), in.generation, now_, &flips);
    for (const auto& f : flips) {
      if (auto e = eventForFlip(f)) events_.push_back(*e);
    }
  }
  StatusInputs step(const json* d, const char* connectionReason = nullptr) {
    StatusInputs in;
    in.generation = 1;
    in.credentials = {true, "CredentialsReady", "ok", "h"};
    in.deployment = assessDeployment(d, "a-agent", 1);
    if (connectionReason) in.connection = connection(connectionReason);
    return in;
  }

  json status_;
  system_clock::time_point now_ = system_clock::time_point(seconds(1764400000));
  std::vector<ConditionEvent> events_;
};

TEST_F(ConditionEventsTest, ANormalCreationEmitsOnlyTheConnection) {
  observe(step(nullptr, "NoAgentPods"));
  json notObserved = deployment(1, 0, 0, 0);
  observe(step(&notObserved, "NoAgentPods"));
  json rolling = deployment(1, 1, 0, 0);
  observe(step(&rolling, "ContainerCreating"));
  json unavailable = deployment(1, 1, 1, 0);
  observe(step(&unavailable, "ContainerCreating"));
  observe(step(&unavailable, "AgentNotConnected"));  // running, /healthz not yet OK
  EXPECT_TRUE(events_.empty()) << events_[0].reason;
  json available = deployment(1, 1, 1, 1);
  observe(step(&available, "Connected"));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "Normal");
  EXPECT_EQ(events_[0].reason, "Connected");
}

TEST_F(ConditionEventsTest, ARolloutOfAConnectedAgentEmitsNothingUntilItIsBack) {
  json available = deployment(1, 1, 1, 1);
  observe(step(&available, "Connected"));
  events_.clear();
  json rolling = deployment(2, 1, 1, 1);
  observe(step(&rolling, "Connected"));
  json newPod = deployment(2, 2, 1, 0);
  observe(step(&newPod, "ContainerCreating"));
  EXPECT_TRUE(events_.empty()) << events_[0].reason;
}

TEST_F(ConditionEventsTest, ALostConnectionWarnsAndItsReturnIsReported) {
  json available = deployment(1, 1, 1, 1);
  observe(step(&available, "Connected"));
  events_.clear();
  observe(step(&available, "AgentNotConnected"));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "Warning");
  EXPECT_EQ(events_[0].reason, "AgentNotConnected");
  EXPECT_NE(events_[0].message.find("Connected is False"), std::string::npos);
  observe(step(&available, "Connected"));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].type, "Normal");
}

TEST_F(ConditionEventsTest, FailuresWarnFromTheStartAndTheFixIsReported) {
  auto in = step(nullptr);
  in.credentials = {false, "SecretNotFound", "Secret ns/tok not found", ""};
  observe(in);
  ASSERT_EQ(events_.size(), 1u);  // CredentialsReady; Ready and the Deployment wait on it
  EXPECT_EQ(events_[0].type, "Warning");
  EXPECT_EQ(events_[0].reason, "SecretNotFound");
  observe(step(nullptr));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].type, "Normal");
  EXPECT_EQ(events_[1].reason, "CredentialsReady");

  json available = deployment(1, 1, 1, 1);
  observe(step(&available, "CrashLoopBackOff"));
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[2].reason, "CrashLoopBackOff");
}

TEST_F(ConditionEventsTest, ARiskySettingWarnsWhenItAppears) {
  auto in = step(nullptr);
  in.insecureSkipVerify = true;
  observe(in);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "Warning");
  EXPECT_EQ(events_[0].reason, "TLSVerificationDisabled");
}

TEST_F(ConditionEventsTest, AnInvalidSpecWarnsOnceNotOncePerCondition) {
  StatusInputs in;
  in.generation = 1;
  in.specValid = false;
  in.specReason = "InvalidServerAddr";
  in.specMessage = "spec.serverAddr: not a host:port";
  observe(in);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].reason, "InvalidServerAddr");
  EXPECT_NE(events_[0].message.find("SpecValid is False"), std::string::npos);
}

}  // namespace
}  // namespace clusteragent
