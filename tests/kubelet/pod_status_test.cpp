#include "tests/kubelet/pod_status.h"

#include <gtest/gtest.h>

#include "controller/conditions/conditions.h"
#include "tests/kubelet/container_runner.h"

namespace processkubelet {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const WallTime kT0 = WallTime(seconds(1'800'000'000));

ContainerView running(const std::string& name, bool ready) {
  ContainerView c;
  c.name = name;
  c.image = "example.com/" + name + ":1";
  c.state = ContainerView::State::kRunning;
  c.startedAt = kT0;
  c.started = true;
  c.ready = ready;
  return c;
}

ContainerView crashLooping(const std::string& name) {
  ContainerView c;
  c.name = name;
  c.state = ContainerView::State::kWaiting;
  c.waitingReason = "CrashLoopBackOff";
  c.waitingMessage = "back-off 10s restarting failed container=" + name + " pod=p_ns(u)";
  c.restartCount = 1;
  Termination t;
  t.exitCode = 3;
  t.reason = "Error";
  t.message = "fatal: boom\n";
  t.startedAt = kT0;
  t.finishedAt = kT0 + seconds(1);
  c.last = t;
  return c;
}

std::string conditionStatus(const json& status, const std::string& type) {
  const json* c = ctrl::conditions::findCondition(status["conditions"], type);
  return c == nullptr ? "" : c->value("status", "");
}

TEST(PodPhaseTest, FollowsTheKubeletsGetPhase) {
  ContainerView creating;
  EXPECT_EQ(podPhase({creating}, "Always"), "Pending");
  EXPECT_EQ(podPhase({running("a", true), creating}, "Always"), "Pending");
  EXPECT_EQ(podPhase({running("a", false)}, "Always"), "Running");
  // Waiting to restart after having run counts as stopped, not pending.
  EXPECT_EQ(podPhase({crashLooping("a")}, "Always"), "Running");
  ContainerView done;
  done.state = ContainerView::State::kTerminated;
  done.terminated.exitCode = 0;
  EXPECT_EQ(podPhase({done}, "Never"), "Succeeded");
  EXPECT_EQ(podPhase({done}, "OnFailure"), "Succeeded");
  ContainerView failed = done;
  failed.terminated.exitCode = 1;
  EXPECT_EQ(podPhase({failed}, "Never"), "Failed");
  EXPECT_EQ(podPhase({failed, done}, "Never"), "Failed");
}

TEST(ContainerStatusJsonTest, RunningReadyContainer) {
  ContainerView c = running("agent", true);
  c.imageID = "process-kubelet:///opt/agent";
  c.containerID = "process://42";
  json j = containerStatusJson(c);
  EXPECT_EQ(j["name"], "agent");
  EXPECT_EQ(j["image"], "example.com/agent:1");
  EXPECT_EQ(j["imageID"], "process-kubelet:///opt/agent");
  EXPECT_EQ(j["containerID"], "process://42");
  EXPECT_EQ(j["ready"], true);
  EXPECT_EQ(j["started"], true);
  EXPECT_EQ(j["restartCount"], 0);
  EXPECT_EQ(j["state"]["running"]["startedAt"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(j["lastState"], json::object());
}

TEST(ContainerStatusJsonTest, CrashLoopBackOffWithLastTermination) {
  json j = containerStatusJson(crashLooping("agent"));
  EXPECT_EQ(j["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(j["state"]["waiting"]["message"],
            "back-off 10s restarting failed container=agent pod=p_ns(u)");
  EXPECT_EQ(j["restartCount"], 1);
  EXPECT_EQ(j["ready"], false);
  const json& t = j["lastState"]["terminated"];
  EXPECT_EQ(t["exitCode"], 3);
  EXPECT_EQ(t["reason"], "Error");
  EXPECT_EQ(t["message"], "fatal: boom\n");
  EXPECT_EQ(t["finishedAt"], "2027-01-15T08:00:01Z");
}

TEST(BuildPodStatusTest, ReadyPod) {
  PodStatusInputs in;
  in.containers = {running("a", true), running("b", true)};
  in.startTime = kT0;
  in.now = kT0 + seconds(5);
  json s = buildPodStatus(in, json());
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(s["podIP"], "127.0.0.1");
  EXPECT_EQ(s["hostIP"], "127.0.0.1");
  EXPECT_EQ(s["podIPs"], json::array({{{"ip", "127.0.0.1"}}}));
  EXPECT_EQ(s["startTime"], "2027-01-15T08:00:00Z");
  for (const char* type :
       {"PodScheduled", "Initialized", "PodReadyToStartContainers", "ContainersReady", "Ready"}) {
    EXPECT_EQ(conditionStatus(s, type), "True") << type;
  }
  EXPECT_EQ(s["containerStatuses"].size(), 2u);
}

TEST(BuildPodStatusTest, UnreadyContainersAreNamed) {
  PodStatusInputs in;
  in.containers = {running("a", true), running("b", false)};
  in.now = kT0;
  json s = buildPodStatus(in, json());
  const json* ready = ctrl::conditions::findCondition(s["conditions"], "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ((*ready)["status"], "False");
  EXPECT_EQ((*ready)["reason"], "ContainersNotReady");
  EXPECT_EQ((*ready)["message"], "containers with unready status: [b]");
}

TEST(BuildPodStatusTest, TransitionTimesMoveOnlyWhenAConditionFlips) {
  PodStatusInputs in;
  in.containers = {running("a", false)};
  in.now = kT0;
  json first = buildPodStatus(in, json());
  in.now = kT0 + seconds(30);
  json same = buildPodStatus(in, first);
  EXPECT_FALSE(statusDiffers(same, first));
  in.containers = {running("a", true)};
  in.now = kT0 + seconds(60);
  json flipped = buildPodStatus(in, same);
  EXPECT_TRUE(statusDiffers(flipped, same));
  const json* ready = ctrl::conditions::findCondition(flipped["conditions"], "Ready");
  const json* scheduled = ctrl::conditions::findCondition(flipped["conditions"], "PodScheduled");
  EXPECT_EQ((*ready)["lastTransitionTime"], "2027-01-15T08:01:00Z");
  EXPECT_EQ((*scheduled)["lastTransitionTime"], "2027-01-15T08:00:00Z");
  // startTime is kept from what the server has.
  EXPECT_EQ(flipped["startTime"], first["startTime"]);
}

TEST(BuildPodStatusTest, ATerminalPodIsNotReady) {
  ContainerView done;
  done.name = "job";
  done.state = ContainerView::State::kTerminated;
  done.terminated.exitCode = 0;
  done.terminated.reason = "Completed";
  PodStatusInputs in;
  in.containers = {done};
  in.restartPolicy = "Never";
  in.now = kT0;
  json s = buildPodStatus(in, json());
  EXPECT_EQ(s["phase"], "Succeeded");
  EXPECT_EQ(conditionStatus(s, "Ready"), "False");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["terminated"]["reason"], "Completed");
}

TEST(StatusDiffersTest, IgnoresFieldsTheKubeletDoesNotSet) {
  json desired = {{"phase", "Running"}};
  EXPECT_FALSE(statusDiffers(desired, {{"phase", "Running"}, {"qosClass", "BestEffort"}}));
  EXPECT_TRUE(statusDiffers(desired, {{"phase", "Pending"}}));
  EXPECT_TRUE(statusDiffers(desired, json()));
}

TEST(GoDurationTest, FormatsLikeGo) {
  EXPECT_EQ(goDuration(seconds(10)), "10s");
  EXPECT_EQ(goDuration(seconds(80)), "1m20s");
  EXPECT_EQ(goDuration(seconds(300)), "5m0s");
}

}  // namespace
}  // namespace processkubelet
