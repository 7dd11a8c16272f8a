#include "reconcilers/clusteragent/server_reachability.h"

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/status_evaluation.h"

namespace clusteragent {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::system_clock;

const system_clock::time_point kNow = system_clock::from_time_t(1'800'000'000);

prober::ProbeObservation obs(prober::ProbeReason reason, std::string message,
                             std::optional<system_clock::time_point> notAfter,
                             system_clock::time_point at = kNow) {
  prober::ProbeObservation o;
  o.result.reason = reason;
  o.result.message = std::move(message);
  o.result.certificateNotAfter = notAfter;
  o.probeTime = at;
  return o;
}

const ctrl::conditions::Condition* find(const ServerEvaluation& e, const std::string& type) {
  for (const auto& c : e.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool isAbsent(const ServerEvaluation& e, const std::string& type) {
  for (const auto& t : e.absent) {
    if (t == type) return true;
  }
  return false;
}

TEST(ServerReachabilityTest, ReachableWithCertificateExpiry) {
  auto in = gatherServerReachability(
      "principal.example", 8443,
      obs(prober::ProbeReason::kReachable, "TLS handshake with principal.example:8443 verified",
          kNow + hours(24 * 90)),
      kNow);
  EXPECT_FALSE(in.certificateWarning);
  auto e = evaluateServer(in, 4);
  const auto* c = find(e, kServerReachable);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, "True");
  EXPECT_EQ(c->reason, "Reachable");
  EXPECT_EQ(c->observedGeneration, 4);
  EXPECT_EQ(e.server["host"], "principal.example");
  EXPECT_EQ(e.server["port"], 8443);
  EXPECT_EQ(e.server["certificateNotAfter"], "2027-04-15T08:00:00Z");
  EXPECT_TRUE(isAbsent(e, kServerCertificateExpiring));
  ASSERT_TRUE(e.probeTime);
}

TEST(ServerReachabilityTest, FailureReasonsAreTheProbersReasons) {
  for (auto reason :
       {prober::ProbeReason::kDNSError, prober::ProbeReason::kConnectionRefused,
        prober::ProbeReason::kTimeout, prober::ProbeReason::kTLSHandshakeFailed,
        prober::ProbeReason::kCertificateUntrusted, prober::ProbeReason::kCertificateExpired}) {
    auto e = evaluateServer(
        gatherServerReachability("h", 443, obs(reason, "why", std::nullopt), kNow), 1);
    const auto* c = find(e, kServerReachable);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->status, "False");
    EXPECT_EQ(c->reason, prober::reasonName(reason));
    EXPECT_EQ(c->message, "why");
    EXPECT_FALSE(e.server.contains("certificateNotAfter"));
  }
}

// The operator refused to connect: nothing is known of the server, so
// Unknown, and no certificate or warning.
TEST(ServerReachabilityTest, RefusedProbeIsUnknownWithTheRefusal) {
  auto e = evaluateServer(
      gatherServerReachability(
          "169.254.169.254", 443,
          obs(prober::ProbeReason::kProbeRefused,
              "not probed: server 169.254.169.254:443 is or resolves to a link-local address",
              std::nullopt),
          kNow),
      2);
  const auto* c = find(e, kServerReachable);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, "Unknown");
  EXPECT_EQ(c->reason, "ProbeRefused");
  EXPECT_NE(c->message.find("link-local"), std::string::npos);
  EXPECT_FALSE(e.server.contains("certificateNotAfter"));
  EXPECT_TRUE(isAbsent(e, kServerCertificateExpiring));
  EXPECT_FALSE(e.probeTime);  // no lastProbeTime: nothing was probed
}

TEST(ServerReachabilityTest, CertificateExpiringWithinFourteenDaysWarns) {
  auto e = evaluateServer(
      gatherServerReachability(
          "h", 443, obs(prober::ProbeReason::kReachable, "ok", kNow + hours(24 * 3)), kNow),
      1);
  const auto* w = find(e, kServerCertificateExpiring);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->status, "True");
  EXPECT_NE(w->message.find("in 3 days"), std::string::npos) << w->message;
  e = evaluateServer(
      gatherServerReachability(
          "h", 443, obs(prober::ProbeReason::kCertificateExpired, "expired", kNow - hours(48)),
          kNow),
      1);
  ASSERT_NE(find(e, kServerCertificateExpiring), nullptr);
  EXPECT_NE(find(e, kServerCertificateExpiring)->message.find("expired"), std::string::npos);
}

TEST(ServerReachabilityTest, BeforeTheFirstProbeIsUnknown) {
  auto e = evaluateServer(gatherServerReachability("h", 443, std::nullopt, kNow), 1);
  ASSERT_NE(find(e, kServerReachable), nullptr);
  EXPECT_EQ(find(e, kServerReachable)->status, "Unknown");
  EXPECT_EQ(find(e, kServerReachable)->reason, "Probing");
  EXPECT_FALSE(e.probeTime);
  ServerReachability noCa;
  noCa.host = "h";
  noCa.notProbedReason = "CAUnavailable";
  noCa.notProbedMessage = "not probed: the CA bundle in Secret a/b key \"ca.crt\" does not exist";
  e = evaluateServer(noCa, 1);
  EXPECT_EQ(find(e, kServerReachable)->reason, "CAUnavailable");
}

TEST(ServerReachabilityTest, NotObservedRemovesConditionsAndServer) {
  auto e = evaluateServer(std::nullopt, 1);
  EXPECT_TRUE(e.conditions.empty());
  EXPECT_TRUE(isAbsent(e, kServerReachable));
  EXPECT_TRUE(isAbsent(e, kServerCertificateExpiring));
  EXPECT_TRUE(e.server.is_null());
}

StatusInputs healthyWith(std::optional<prober::ProbeObservation> o) {
  StatusInputs in;
  in.generation = 1;
  in.credentials = {true, "CredentialsReady", "ok", "h"};
  in.deployment.exists = true;
  in.deployment.available = true;
  in.deployment.reason = "Available";
  in.connection = AgentConnection{true, "Connected", "pod ready", 1};
  in.server = gatherServerReachability("h", 443, std::move(o), kNow);
  return in;
}

// Repeated probes with the same outcome: status stays byte-identical, so
// the reconciler writes nothing; a changed outcome moves lastProbeTime.
TEST(ServerReachabilityTest, LastProbeTimeMovesOnlyWhenTheResultChanges) {
  const auto t0 = kNow;
  auto first = healthyWith(obs(prober::ProbeReason::kReachable, "ok", kNow + hours(24 * 90), t0));
  json s0 = nextStatus(json(), evaluateStatus(first), 1, t0, nullptr);
  EXPECT_EQ(s0["server"]["lastProbeTime"], "2027-01-15T08:00:00Z");

  auto again =
      healthyWith(obs(prober::ProbeReason::kReachable, "ok", kNow + hours(24 * 90), t0 + hours(1)));
  json s1 = nextStatus(s0, evaluateStatus(again), 1, t0 + hours(1), nullptr);
  EXPECT_EQ(s1, s0);

  auto down = healthyWith(
      obs(prober::ProbeReason::kConnectionRefused, "refused", std::nullopt, t0 + hours(2)));
  json s2 = nextStatus(s1, evaluateStatus(down), 1, t0 + hours(2), nullptr);
  EXPECT_EQ(s2["server"]["lastProbeTime"], "2027-01-15T10:00:00Z");
  EXPECT_FALSE(s2["server"].contains("certificateNotAfter"));
  const json* c = ctrl::conditions::findCondition(s2["conditions"], kServerReachable);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["reason"], "ConnectionRefused");
}

TEST(ServerReachabilityTest, ConnectedSinceFollowsConnected) {
  auto in = healthyWith(obs(prober::ProbeReason::kReachable, "ok", std::nullopt));
  json s0 = nextStatus(json(), evaluateStatus(in), 1, kNow, nullptr);
  EXPECT_EQ(s0["connectedSince"], "2027-01-15T08:00:00Z");
  json s1 = nextStatus(s0, evaluateStatus(in), 1, kNow + hours(5), nullptr);
  EXPECT_EQ(s1["connectedSince"], "2027-01-15T08:00:00Z");  // kept while connected
  in.connection = AgentConnection{false, "AgentNotConnected", "healthz failing", 0};
  json s2 = nextStatus(s1, evaluateStatus(in), 1, kNow + hours(6), nullptr);
  EXPECT_FALSE(s2.contains("connectedSince"));  // cleared while disconnected
  in.connection = AgentConnection{true, "Connected", "pod ready", 1};
  json s3 = nextStatus(s2, evaluateStatus(in), 1, kNow + hours(7), nullptr);
  EXPECT_EQ(s3["connectedSince"], "2027-01-15T15:00:00Z");
}

TEST(ServerReachabilityTest, InvalidSpecRemovesServerStatus) {
  auto in = healthyWith(obs(prober::ProbeReason::kReachable, "ok", std::nullopt));
  json s0 = nextStatus(json(), evaluateStatus(in), 1, kNow, nullptr);
  ASSERT_TRUE(s0.contains("server"));
  in.specValid = false;
  in.specMessage = "spec.serverAddr: bad";
  json s1 = nextStatus(s0, evaluateStatus(in), 2, kNow, nullptr);
  EXPECT_FALSE(s1.contains("server"));
  EXPECT_EQ(ctrl::conditions::findCondition(s1["conditions"], kServerReachable), nullptr);
}

// A restarted operator reads its predecessor's probe back from status; the
// evaluation of that observation gives the status it was read from.
TEST(ServerReachabilityTest, ObservationFromStatusGivesBackTheSameStatus) {
  for (const auto& o :
       {obs(prober::ProbeReason::kReachable, "ok", kNow + hours(24 * 5)),
        obs(prober::ProbeReason::kCertificateUntrusted, "untrusted", kNow - hours(1)),
        obs(prober::ProbeReason::kDNSError, "no such host", std::nullopt),
        obs(prober::ProbeReason::kProbeRefused, "not probed: loopback", std::nullopt)}) {
    auto in = healthyWith(o);
    json s0 = nextStatus(json(), evaluateStatus(in), 3, kNow, nullptr);
    auto back = observationFromStatus(s0, 1, "h", 443);
    ASSERT_TRUE(back.has_value()) << s0.dump();
    EXPECT_EQ(back->result.reason, o.result.reason);
    in.server = gatherServerReachability("h", 443, back, kNow);
    EXPECT_EQ(nextStatus(s0, evaluateStatus(in), 3, kNow + hours(2), nullptr), s0)
        << prober::reasonName(o.result.reason);
  }
}

TEST(ServerReachabilityTest, ObservationFromStatusOnlyForTheSameTargetAndGeneration) {
  auto in = healthyWith(obs(prober::ProbeReason::kReachable, "ok", std::nullopt));
  json s = nextStatus(json(), evaluateStatus(in), 3, kNow, nullptr);
  ASSERT_TRUE(observationFromStatus(s, 1, "h", 443));
  EXPECT_FALSE(observationFromStatus(s, 2, "h", 443));  // spec changed since
  EXPECT_FALSE(observationFromStatus(s, 1, "other", 443));
  EXPECT_FALSE(observationFromStatus(s, 1, "h", 8443));
  EXPECT_FALSE(observationFromStatus(json(), 1, "h", 443));

  json noTime = s;
  noTime["server"].erase("lastProbeTime");
  EXPECT_FALSE(observationFromStatus(noTime, 1, "h", 443));

  // Not a probe result: the first probe still pending, or a status this
  // operator would not have written.
  in.server = gatherServerReachability("h", 443, std::nullopt, kNow);
  json pending = nextStatus(json(), evaluateStatus(in), 3, kNow, nullptr);
  EXPECT_FALSE(observationFromStatus(pending, 1, "h", 443));
  json mismatched = s;
  for (auto& c : mismatched["conditions"]) {
    if (c["type"] == kServerReachable) c["status"] = "False";
  }
  EXPECT_FALSE(observationFromStatus(mismatched, 1, "h", 443));
  json garbage = s;
  garbage["server"]["lastProbeTime"] = 7;
  EXPECT_FALSE(observationFromStatus(garbage, 1, "h", 443));
}

}  // namespace
}  // namespace clusteragent
