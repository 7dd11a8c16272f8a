#include "reconcilers/clusteragent/status_evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "reconcilers/clusteragent/condition_types.h"

namespace clusteragent {
namespace {

using ctrl::conditions::findCondition;
using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kT0 = system_clock::time_point(seconds(1764400000));
const system_clock::time_point kT1 = kT0 + seconds(30);

json deployment(int64_t gen, int64_t observed, int64_t replicas, int64_t updated, int64_t available,
                int64_t total = -1) {
  return json{
      {"metadata", {{"name", "a-agent"}, {"generation", gen}}},
      {"spec",
       {{"replicas", replicas},
        {"template", {{"spec", {{"containers", {{{"name", "agent"}, {"image", "img:1"}}}}}}}}}},
      {"status",
       {{"observedGeneration", observed},
        {"replicas", total < 0 ? updated : total},
        {"updatedReplicas", updated},
        {"readyReplicas", available},
        {"availableReplicas", available}}}};
}

StatusInputs healthy() {
  StatusInputs in;
  in.generation = 3;
  in.credentials = {true, "CredentialsReady", "ok", "h"};
  json d = deployment(2, 2, 1, 1, 1);
  in.deployment = assessDeployment(&d, "a-agent", 1);
  return in;
}

const ctrl::conditions::Condition* cond(const EvaluatedStatus& e, const std::string& type) {
  for (const auto& c : e.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

TEST(AssessDeploymentTest, MissingIsNotCreated) {
  auto a = assessDeployment(nullptr, "a-agent", 1);
  EXPECT_FALSE(a.exists);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "NotCreated");
}

TEST(AssessDeploymentTest, AvailableWhenRolledOut) {
  json d = deployment(2, 2, 1, 1, 1);
  auto a = assessDeployment(&d, "a-agent", 1);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.image, "img:1");
  EXPECT_EQ(a.readyReplicas, 1);
}

TEST(AssessDeploymentTest, UnobservedGenerationIsProgressing) {
  json d = deployment(3, 2, 1, 1, 1);
  auto a = assessDeployment(&d, "a-agent", 1);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "Progressing");
}

TEST(AssessDeploymentTest, OldReplicasStillRunningIsProgressing) {
  json d = deployment(2, 2, 1, 1, 1, /*total=*/2);
  EXPECT_EQ(assessDeployment(&d, "a-agent", 1).reason, "Progressing");
}

TEST(AssessDeploymentTest, UnavailableReplicas) {
  json d = deployment(2, 2, 1, 1, 0);
  auto a = assessDeployment(&d, "a-agent", 1);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "Unavailable");
}

TEST(AssessDeploymentTest, ZeroReplicasIsPaused) {
  json d = deployment(2, 2, 0, 0, 0);
  auto a = assessDeployment(&d, "a-agent", 0);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "Paused");
}

TEST(EvaluateStatusTest, HealthyWithoutConnectionAssessment) {
  auto e = evaluateStatus(healthy());
  EXPECT_EQ(cond(e, kSpecValid)->status, "True");
  EXPECT_EQ(cond(e, kCredentialsReady)->status, "True");
  EXPECT_EQ(cond(e, kDeploymentAvailable)->status, "True");
  EXPECT_EQ(cond(e, kReady)->status, "True");
  EXPECT_EQ(cond(e, kConnected), nullptr);
  EXPECT_EQ(cond(e, kReady)->observedGeneration, 3);
  EXPECT_EQ(e.agent["deployment"], "a-agent");
}

TEST(EvaluateStatusTest, ConnectionDecidesReadyAndPhaseWhenAssessed) {
  auto in = healthy();
  in.connection = AgentConnection{true, "Connected", "pod ready", 1};
  auto e = evaluateStatus(in);
  EXPECT_EQ(cond(e, kConnected)->status, "True");
  EXPECT_EQ(e.phase, "Connected");
  in.connection = AgentConnection{false, "AgentNotConnected", "healthz failing", 0};
  e = evaluateStatus(in);
  EXPECT_EQ(cond(e, kReady)->status, "False");
  EXPECT_EQ(cond(e, kReady)->reason, "AgentNotConnected");
  EXPECT_EQ(e.phase, "Disconnected");
}

TEST(EvaluateStatusTest, InvalidSpecShortCircuits) {
  StatusInputs in;
  in.generation = 2;
  in.specValid = false;
  in.specMessage = "spec.serverAddr: must be https://host[:port] or host:port";
  auto e = evaluateStatus(in);
  EXPECT_EQ(e.phase, "Invalid");
  EXPECT_EQ(cond(e, kSpecValid)->status, "False");
  EXPECT_EQ(cond(e, kSpecValid)->reason, "InvalidSpec");
  EXPECT_NE(cond(e, kSpecValid)->message.find("spec.serverAddr"), std::string::npos);
  EXPECT_EQ(cond(e, kReady)->status, "False");
  EXPECT_EQ(cond(e, kCredentialsReady)->status, "Unknown");
}

TEST(EvaluateStatusTest, CredentialsNotReadyIsDegraded) {
  auto in = healthy();
  in.credentials = {false, "SecretNotFound", "Secret ns/tok not found", ""};
  auto e = evaluateStatus(in);
  EXPECT_EQ(e.phase, "Degraded");
  EXPECT_EQ(cond(e, kCredentialsReady)->reason, "SecretNotFound");
  EXPECT_EQ(cond(e, kReady)->reason, "CredentialsNotReady");
}

TEST(EvaluateStatusTest, DeploymentPhases) {
  auto in = healthy();
  in.deployment = assessDeployment(nullptr, "a-agent", 1);
  EXPECT_EQ(evaluateStatus(in).phase, "Pending");
  json d = deployment(2, 2, 1, 1, 0);
  in.deployment = assessDeployment(&d, "a-agent", 1);
  EXPECT_EQ(evaluateStatus(in).phase, "Progressing");
}

TEST(EvaluateStatusTest, WarningConditionsOnlyWhileInUse) {
  auto in = healthy();
  in.inlineToken = true;
  in.insecureSkipVerify = true;
  auto e = evaluateStatus(in);
  EXPECT_EQ(cond(e, kInlineTokenInUse)->status, "True");
  EXPECT_NE(cond(e, kInlineTokenInUse)->message.find("authTokenSecretRef"), std::string::npos);
  EXPECT_EQ(cond(e, kInsecureSkipVerify)->status, "True");
  in.inlineToken = false;
  in.insecureSkipVerify = false;
  e = evaluateStatus(in);
  EXPECT_EQ(cond(e, kInlineTokenInUse), nullptr);
  EXPECT_NE(std::find(e.absent.begin(), e.absent.end(), kInlineTokenInUse), e.absent.end());
  EXPECT_NE(std::find(e.absent.begin(), e.absent.end(), kInsecureSkipVerify), e.absent.end());
}

TEST(NextStatusTest, FirstEvaluationFlipsEverythingOnce) {
  std::vector<ConditionFlip> flips;
  json s = nextStatus(json(), evaluateStatus(healthy()), 3, kT0, &flips);
  EXPECT_EQ(s["observedGeneration"], 3);
  EXPECT_EQ(s["phase"], "Progressing");
  EXPECT_EQ(flips.size(), 4u);
  for (const auto& f : flips) EXPECT_FALSE(f.warning) << f.type;
  std::vector<ConditionFlip> again;
  json s2 = nextStatus(s, evaluateStatus(healthy()), 3, kT1, &again);
  EXPECT_EQ(s2, s);  // nothing changed: no write, no Event
  EXPECT_TRUE(again.empty());
}

TEST(NextStatusTest, FlipIsReportedWithWarningTypeAndTimeMoves) {
  json s = nextStatus(json(), evaluateStatus(healthy()), 3, kT0, nullptr);
  auto in = healthy();
  in.credentials = {false, "SecretNotFound", "Secret ns/tok not found", ""};
  std::vector<ConditionFlip> flips;
  json s2 = nextStatus(s, evaluateStatus(in), 3, kT1, &flips);
  ASSERT_EQ(flips.size(), 2u);  // CredentialsReady and Ready
  EXPECT_EQ(flips[0].type, kCredentialsReady);
  EXPECT_EQ(flips[0].from, "True");
  EXPECT_EQ(flips[0].to, "False");
  EXPECT_TRUE(flips[0].warning);
  EXPECT_EQ((*findCondition(s2["conditions"], kCredentialsReady))["lastTransitionTime"],
            ctrl::conditions::formatTime(kT1));
  EXPECT_EQ((*findCondition(s2["conditions"], kSpecValid))["lastTransitionTime"],
            ctrl::conditions::formatTime(kT0));
}

TEST(NextStatusTest, WarningConditionAppearingIsAWarningFlipAndOthersKeysAreKept) {
  json current = {{"server", {{"host", "x"}}}, {"connectedSince", "2025-01-01T00:00:00Z"}};
  current["conditions"] = json::array({{{"type", kServerReachable}, {"status", "True"}}});
  auto in = healthy();
  in.inlineToken = true;
  std::vector<ConditionFlip> flips;
  json s = nextStatus(current, evaluateStatus(in), 3, kT0, &flips);
  EXPECT_EQ(s["server"]["host"], "x");
  EXPECT_EQ(s["connectedSince"], "2025-01-01T00:00:00Z");
  EXPECT_NE(findCondition(s["conditions"], kServerReachable), nullptr);
  bool sawInline = false;
  for (const auto& f : flips) {
    if (f.type == kInlineTokenInUse) {
      sawInline = true;
      EXPECT_TRUE(f.warning);
    }
  }
  EXPECT_TRUE(sawInline);
  in.inlineToken = false;
  json s2 = nextStatus(s, evaluateStatus(in), 3, kT1, nullptr);
  EXPECT_EQ(findCondition(s2["conditions"], kInlineTokenInUse), nullptr);
}

}  // namespace
}  // namespace clusteragent
