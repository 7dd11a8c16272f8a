#include "reconcilers/clusteragent/agent_connection.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

using nlohmann::json;

json pod(const std::string& name) {
  return json{{"metadata", {{"name", name}}},
              {"status", {{"conditions", json::array()}, {"containerStatuses", json::array()}}}};
}

json withCondition(json p, const std::string& type, const std::string& status,
                   const std::string& reason = "", const std::string& message = "") {
  p["status"]["conditions"].push_back(
      {{"type", type}, {"status", status}, {"reason", reason}, {"message", message}});
  return p;
}

json withContainer(json p, const json& state, const json& lastState = json::object(),
                   int restarts = 0) {
  p["status"]["containerStatuses"].push_back({{"name", "agent"},
                                              {"image", "quay.io/x/agent:v1"},
                                              {"state", state},
                                              {"lastState", lastState},
                                              {"restartCount", restarts}});
  return p;
}

TEST(AgentConnectionTest, ReadyPodMeansConnected) {
  auto a = assessAgentConnection({withCondition(pod("a-1"), "Ready", "True")}, 1);
  EXPECT_TRUE(a.connected);
  EXPECT_EQ(a.reason, "Connected");
  EXPECT_EQ(a.readyPods, 1);
}

TEST(AgentConnectionTest, NoPodsWhileReplicasWanted) {
  auto a = assessAgentConnection({}, 1);
  EXPECT_FALSE(a.connected);
  EXPECT_EQ(a.reason, "NoAgentPods");
}

TEST(AgentConnectionTest, ZeroReplicasIsPaused) {
  auto a = assessAgentConnection({}, 0);
  EXPECT_FALSE(a.connected);
  EXPECT_EQ(a.reason, "Paused");
}

TEST(AgentConnectionTest, ImagePullBackOffCarriesImageAndMessage) {
  auto p = withContainer(
      pod("a-1"),
      {{"waiting", {{"reason", "ImagePullBackOff"}, {"message", "Back-off pulling image"}}}});
  auto a = assessAgentConnection({p}, 1);
  EXPECT_EQ(a.reason, "ImagePullBackOff");
  EXPECT_NE(a.message.find("quay.io/x/agent:v1"), std::string::npos);
  EXPECT_NE(a.message.find("Back-off pulling image"), std::string::npos);
}

TEST(AgentConnectionTest, ErrImagePullMapsToImagePullBackOff) {
  auto p = withContainer(pod("a-1"), {{"waiting", {{"reason", "ErrImagePull"}}}});
  EXPECT_EQ(assessAgentConnection({p}, 1).reason, "ImagePullBackOff");
}

TEST(AgentConnectionTest, CrashLoopCarriesLastTerminationMessage) {
  auto p = withContainer(pod("a-1"), {{"waiting", {{"reason", "CrashLoopBackOff"}}}},
                         {{"terminated", {{"exitCode", 1}, {"message", "version mismatch"}}}}, 4);
  auto a = assessAgentConnection({p}, 1);
  EXPECT_EQ(a.reason, "CrashLoopBackOff");
  EXPECT_NE(a.message.find("version mismatch"), std::string::npos);
  EXPECT_NE(a.message.find("restarts: 4"), std::string::npos);
}

TEST(AgentConnectionTest, UnschedulableCarriesSchedulerMessage) {
  auto p = withCondition(pod("a-1"), "PodScheduled", "False", "Unschedulable",
                         "0/3 nodes are available: 3 Insufficient cpu.");
  auto a = assessAgentConnection({p}, 1);
  EXPECT_EQ(a.reason, "Unschedulable");
  EXPECT_NE(a.message.find("Insufficient cpu"), std::string::npos);
}

TEST(AgentConnectionTest, RunningButNotReadyIsAgentNotConnected) {
  auto p = withCondition(withContainer(pod("a-1"), {{"running", {{"startedAt", "x"}}}}), "Ready",
                         "False", "ContainersNotReady");
  auto a = assessAgentConnection({p}, 1);
  EXPECT_FALSE(a.connected);
  EXPECT_EQ(a.reason, "AgentNotConnected");
}

TEST(AgentConnectionTest, ReadyPodWinsOverAFailingSurgePod) {
  auto bad = withContainer(pod("a-2"), {{"waiting", {{"reason", "ImagePullBackOff"}}}});
  auto good = withCondition(pod("a-1"), "Ready", "True");
  auto a = assessAgentConnection({bad, good}, 1);
  EXPECT_TRUE(a.connected);
  EXPECT_EQ(a.readyPods, 1);
}

TEST(AgentConnectionTest, MostActionableReasonWinsAmongFailingPods) {
  auto running = withContainer(pod("a-1"), {{"running", json::object()}});
  auto pull = withContainer(pod("a-2"), {{"waiting", {{"reason", "ErrImagePull"}}}});
  EXPECT_EQ(assessAgentConnection({running, pull}, 1).reason, "ImagePullBackOff");
}

TEST(AgentConnectionTest, TerminatingPodsAreIgnored) {
  auto leaving = withCondition(pod("a-1"), "Ready", "True");
  leaving["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_EQ(assessAgentConnection({leaving}, 1).reason, "NoAgentPods");
}

}  // namespace
}  // namespace clusteragent
