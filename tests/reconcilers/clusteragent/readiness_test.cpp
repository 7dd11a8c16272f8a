#include "reconcilers/clusteragent/readiness.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

StatusInputs deployed(std::optional<AgentConnection> conn) {
  StatusInputs in;
  in.credentials = {true, "CredentialsReady", "ok", "h"};
  in.deployment.exists = true;
  in.deployment.available = true;
  in.deployment.reason = "Available";
  in.connection = std::move(conn);
  return in;
}

AgentConnection down(const std::string& reason) {
  return AgentConnection{false, reason, reason + " message", 0};
}

TEST(ReadinessTest, ConnectedAgentIsReady) {
  auto r = deriveReadiness(deployed(AgentConnection{true, "Connected", "ready", 1}));
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.phase, "Connected");
}

TEST(ReadinessTest, AChildNameTakenBySomeoneElseIsDegradedWhateverTheAgentSays) {
  auto in = deployed(AgentConnection{true, "Connected", "ready", 1});
  in.childConflict = "Role ns/a-agent already exists and is not ours: ...";
  auto r = deriveReadiness(in);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.phase, "Degraded");
  EXPECT_EQ(r.reason, "ChildConflict");
  EXPECT_EQ(r.message, in.childConflict);
}

TEST(ReadinessTest, PodFailuresAreDegradedEvenWhileTheDeploymentIsUnavailable) {
  for (const char* reason :
       {"ImagePullBackOff", "CrashLoopBackOff", "Unschedulable", "VersionMismatch",
        "CertificateUntrusted", "CertificateExpired", "AuthenticationFailed"}) {
    auto in = deployed(down(reason));
    in.deployment.available = false;
    in.deployment.reason = "Unavailable";
    auto r = deriveReadiness(in);
    EXPECT_FALSE(r.ready);
    EXPECT_EQ(r.phase, "Degraded") << reason;
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(r.message, std::string(reason) + " message");
  }
}

TEST(ReadinessTest, RunningButNotConnectedIsDisconnectedWithTheServerHint) {
  auto in = deployed(down("AgentNotConnected"));
  in.deployment.available = false;  // not ready → not available
  auto r = deriveReadiness(in);
  EXPECT_EQ(r.phase, "Disconnected");
  EXPECT_EQ(r.reason, "AgentNotConnected");
  prober::ProbeObservation o;
  o.result.reason = prober::ProbeReason::kDNSError;
  o.result.message = "cannot resolve principal.example";
  in.server = ServerReachability{"principal.example", 443, o, "", "", std::nullopt};
  r = deriveReadiness(in);
  EXPECT_NE(r.message.find("DNSError: cannot resolve principal.example"), std::string::npos)
      << r.message;
}

TEST(ReadinessTest, PausedIsDisconnected) {
  auto in = deployed(down("Paused"));
  in.deployment.available = false;
  in.deployment.reason = "Paused";
  EXPECT_EQ(deriveReadiness(in).phase, "Disconnected");
  EXPECT_EQ(deriveReadiness(in).reason, "Paused");
}

TEST(ReadinessTest, StartingPodsAreProgressingAndNoDeploymentIsPending) {
  auto in = deployed(down("ContainerCreating"));
  in.deployment.available = false;
  in.deployment.reason = "Unavailable";
  EXPECT_EQ(deriveReadiness(in).phase, "Progressing");
  in.connection = down("NoAgentPods");
  EXPECT_EQ(deriveReadiness(in).phase, "Progressing");
  in.deployment.exists = false;
  in.deployment.reason = "NotCreated";
  EXPECT_EQ(deriveReadiness(in).phase, "Pending");
  EXPECT_EQ(deriveReadiness(in).reason, "DeploymentNotAvailable");
}

TEST(ReadinessTest, CredentialsFirst) {
  auto in = deployed(down("CrashLoopBackOff"));
  in.credentials = {false, "SecretNotFound", "Secret a/b not found", ""};
  auto r = deriveReadiness(in);
  EXPECT_EQ(r.phase, "Degraded");
  EXPECT_EQ(r.reason, "CredentialsNotReady");
}

TEST(ReadinessTest, ServerUnreachableDoesNotGateReady) {
  auto in = deployed(AgentConnection{true, "Connected", "ready", 1});
  prober::ProbeObservation o;
  o.result.reason = prober::ProbeReason::kTimeout;
  in.server = ServerReachability{"h", 443, o, "", "", std::nullopt};
  EXPECT_TRUE(deriveReadiness(in).ready);
}

}  // namespace
}  // namespace clusteragent
