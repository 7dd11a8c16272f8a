#include "reconcilers/clusteragent/agent_log_diagnosis.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

const char kImage[] = "quay.io/argoprojlabs/argocd-agent:v0.8.0";

// Lines as upstream's agent v0.9.0 writes them (JSON log format).
const char kConnecting[] =
    R"({"level":"info","msg":"Starting argocd-agent (agent) v0.9.0","time":"..."})"
    "\n";
const char kMismatch[] =
    R"({"level":"error","msg":"Version mismatch with principal: version mismatch","time":"..."})"
    "\n";
const char kUntrusted[] =
    R"({"level":"warning","msg":"Could not connect to 127.0.0.1:8443: rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority\"","time":"..."})"
    "\n";
const char kExpired[] =
    "time=... level=warning msg=\"Could not connect: x509: certificate has expired or is not "
    "yet valid: current time ... is after ...\"\n";
const char kAuth[] =
    R"x({"level":"warning","msg":"Auth failure: rpc error: code = Unauthenticated desc = authentication failed (retrying in 1.2s)"})x"
    "\n";

TEST(AgentLogDiagnosisTest, NothingRecognisedIsNoDiagnosis) {
  EXPECT_FALSE(diagnoseAgentLog("", "p", kImage));
  EXPECT_FALSE(diagnoseAgentLog(std::string(kConnecting) + kConnecting, "p", kImage));
}

TEST(AgentLogDiagnosisTest, TheUpstreamPhrasesMapToTheirReasons) {
  auto d = diagnoseAgentLog(std::string(kConnecting) + kMismatch, "agent-1", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "VersionMismatch");
  EXPECT_NE(d->message.find("agent pod agent-1 runs " + std::string(kImage)), std::string::npos)
      << d->message;
  EXPECT_NE(d->message.find("spec.image"), std::string::npos);

  d = diagnoseAgentLog(kUntrusted, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "CertificateUntrusted");
  EXPECT_NE(d->message.find("spec.tls.caSecretRef"), std::string::npos);

  d = diagnoseAgentLog(kExpired, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "CertificateExpired");

  d = diagnoseAgentLog(kAuth, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "AuthenticationFailed");
}

// Every failed Authenticate call is an "Auth failure"; what failed is further on.
TEST(AgentLogDiagnosisTest, AnAuthFailureIsClassifiedByItsCause) {
  auto d = diagnoseAgentLog(
      "level=warning msg=\"Auth failure: rpc error: code = Unavailable desc = connection error: "
      "desc = \\\"transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection "
      "refused\\\" (retrying in 1s)\"\n",
      "p", kImage);
  EXPECT_FALSE(d) << "an unreachable principal is not refused credentials: " << d->reason;
  // The same line naming TLS and gRPC: the certificate is the cause.
  d = diagnoseAgentLog(
      "Auth failure: rpc error: code = Unavailable desc = connection error: desc = \"transport: "
      "authentication handshake failed: tls: failed to verify certificate: x509: certificate "
      "signed by unknown authority\"",
      "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "CertificateUntrusted");
}

TEST(AgentLogDiagnosisTest, TheLatestRecognisedLineWins) {
  auto d = diagnoseAgentLog(std::string(kUntrusted) + kConnecting + kMismatch, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "VersionMismatch");
  d = diagnoseAgentLog(std::string(kMismatch) + kUntrusted + kConnecting, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "CertificateUntrusted");
}

// Untrusted bytes stay out: the message is built from fixed text, the pod
// name and the image, never from the log.
TEST(AgentLogDiagnosisTest, NoLogTextReachesTheMessage) {
  const std::string hostile = std::string("token=s3cr3t-value \x1b[31m\xff\xfe ") + kAuth +
                              "Authorization: Bearer eyJhbGciOi...\n";
  auto d = diagnoseAgentLog(hostile, "p", kImage);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "AuthenticationFailed");
  for (const char* leaked : {"s3cr3t", "\x1b", "\xff", "Bearer", "Unauthenticated", "retrying"}) {
    EXPECT_EQ(d->message.find(leaked), std::string::npos) << leaked << " in: " << d->message;
  }
}

}  // namespace
}  // namespace clusteragent
