// The connection part of the reconcile over the FakeKubeClient: agent pods →
// Connected, a (mocked) prober through the real ProbeScheduler →
// ServerReachable, the CA bundle fetched once per digest, metrics, and no
// status write while nothing changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "controller/conditions/conditions.h"
#include "reconcilers/clusteragent/agent_pods.h"
#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/connection_observer.h"
#include "tests/mocks/prober/mock_tls_prober.h"
#include "tests/reconcilers/clusteragent/reconciler_fixture.h"
#include "tests/reconcilers/clusteragent/test_pem.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_clock.h"

namespace clusteragent::testing {
namespace {

using prober::ProbeReason;
using prober::ProbeResult;
using prober::ProbeTarget;
using ::testing::_;
using ::testing::Invoke;
using ::testing::NiceMock;

class ConnectionStatusTest : public ReconcilerFixture {
 protected:
  ConnectionStatusTest() {
    pods_.addIndex(kOwnerIndex, agentPodOwnerKeys);
    ON_CALL(*prober_, probe(_)).WillByDefault(Invoke([this](const ProbeTarget& t) {
      std::unique_lock<std::mutex> lock(mu_);
      held_.wait(lock, [this] { return !hold_; });
      targets_.push_back(t);
      ++probes_;
      return next_;
    }));
    wire(observerOptions());
  }
  ~ConnectionStatusTest() override {
    holdProbes(false);
    observer_->stop();
  }
  // While held, probes in flight wait (a result not there yet).
  void holdProbes(bool hold) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_ = hold;
    }
    held_.notify_all();
  }

  static ConnectionObserverOptions observerOptions() {
    ConnectionObserverOptions o;
    o.probeInterval = std::chrono::seconds(60);
    o.maxIdleWait = std::chrono::milliseconds(5);
    return o;
  }
  // A (new) observer with options `o` and a reconciler using it: what an
  // operator restarted with other flags has.
  void wire(const ConnectionObserverOptions& o) {
    if (observer_) observer_->stop();
    observer_ = std::make_shared<ConnectionObserver>(prober_, o, clock_, registry_);
    observer_->setOnResultChanged([this](const std::string&) { ++changes_; });
    observer_->start();
    Caches c = caches();
    c.pods = &pods_;
    ReconcilerOptions opts;
    opts.agentImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";
    opts.connection = observer_;
    reconciler_ = std::make_unique<ClusterAgentReconciler>(fake_, c, &events_, opts);
  }

  // A ClusterAgent in "argocd" trusting the CA in Secret caSecret.
  void seedClusterAgent(const std::string& name, const std::string& clusterName,
                        const std::string& caSecret) {
    fake_->seed(kClusterAgents, clusterAgent("argocd", name,
                                             {{"serverAddr", "https://principal.example:8443"},
                                              {"clusterName", clusterName},
                                              {"authTokenSecretRef", {{"name", "aro-token"}}},
                                              {"tls", {{"caSecretRef", {{"name", caSecret}}}}}}));
  }
  void seedAgent() {
    seedClusterAgent("aro-agent", "aro-prod", "aro-ca");
    fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "t0k"}}));
    fake_->seed(res::kSecrets, secret("argocd", "aro-ca", {{"ca.crt", testpem::kCert}}));
    seedDefaultTlsSecrets();
  }
  void setPod(json status) {
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", "aro-agent-agent-1"},
                  {"namespace", "argocd"},
                  {"resourceVersion", std::to_string(++podRv_)},
                  {"labels", {{"argoproj.io/clusteragent", "aro-agent"}}}}},
                {"status", std::move(status)}};
    pods_.upsert(std::make_shared<const json>(trimAgentPod(pod)));
  }
  void setProbeResult(ProbeReason reason, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    next_ = ProbeResult{};
    next_.reason = reason;
    next_.message = message;
    next_.certificateNotAfter = std::chrono::system_clock::from_time_t(1'900'000'000);
  }
  int probes() {
    std::lock_guard<std::mutex> lock(mu_);
    return probes_;
  }
  std::vector<ProbeTarget> targets() {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }
  size_t caGets() const {
    size_t n = 0;
    for (const auto& c : fake_->calls()) n += c.verb == "get" && c.name == "aro-ca";
    return n;
  }

  std::shared_ptr<testsupport::FakeClock> clock_ = std::make_shared<testsupport::FakeClock>();
  std::shared_ptr<NiceMock<prober::MockTlsProber>> prober_ =
      std::make_shared<NiceMock<prober::MockTlsProber>>();
  ctrl::manager::Registry registry_;
  std::shared_ptr<ConnectionObserver> observer_;
  ctrl::cache::Store pods_;
  int podRv_ = 0;
  std::mutex mu_;
  std::condition_variable held_;
  bool hold_ = false;
  ProbeResult next_;
  std::vector<ProbeTarget> targets_;
  int probes_ = 0;
  std::atomic<int> changes_{0};
};

TEST_F(ConnectionStatusTest, ReadyPodAndReachableServer) {
  setProbeResult(ProbeReason::kReachable, "TLS handshake verified");
  seedAgent();
  setPod({{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
  converge();
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  converge();
  EXPECT_EQ(condition(kConnected)["status"], "True");
  EXPECT_EQ(condition(kServerReachable)["status"], "True");
  EXPECT_EQ(condition(kServerReachable)["reason"], "Reachable");
  EXPECT_EQ(condition(kReady)["status"], "True");
  EXPECT_EQ(status()["phase"], "Connected");
  EXPECT_EQ(status()["server"]["host"], "principal.example");
  EXPECT_EQ(status()["server"]["port"], 8443);
  EXPECT_EQ(status()["server"]["certificateNotAfter"], "2030-03-17T17:46:40Z");
  EXPECT_TRUE(status().contains("connectedSince"));
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_FALSE(targets_.empty());
    EXPECT_EQ(targets_.back().host, "principal.example");
    EXPECT_EQ(targets_.back().port, 8443);
    EXPECT_EQ(targets_.back().caPem, testpem::kCert);
  }
  // The CA is not status material.
  EXPECT_EQ(status().dump().find("BEGIN CERTIFICATE"), std::string::npos);
  const ctrl::manager::Labels l{
      {"namespace", "argocd"}, {"name", "aro-agent"}, {"cluster", "aro-prod"}};
  EXPECT_EQ(registry_.gauge(kConnectedMetric, "").value(l), 1);
  EXPECT_EQ(registry_.gauge(kServerReachableMetric, "").value(l), 1);
  EXPECT_EQ(registry_.gauge(kCertificateExpiryMetric, "").value(l), 1.9e9);
}

// The address rules refused the target (prober/address_policy.h): Unknown,
// not False — nothing was tried — and no reachability metric either way.
TEST_F(ConnectionStatusTest, RefusedProbeIsUnknownAndLeavesNoReachabilityMetric) {
  setProbeResult(ProbeReason::kProbeRefused,
                 "not probed: server principal.example:8443 is or resolves to a loopback "
                 "address");
  seedAgent();
  converge();
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  converge();
  EXPECT_EQ(condition(kServerReachable)["status"], "Unknown");
  EXPECT_EQ(condition(kServerReachable)["reason"], "ProbeRefused");
  EXPECT_THAT(condition(kServerReachable)["message"].get<std::string>(),
              ::testing::HasSubstr("principal.example:8443"));
  EXPECT_EQ(registry_.render().find(std::string(kServerReachableMetric) + "{"), std::string::npos);
}

// --probe=false: no probe runs, and a ServerReachable written while probes
// ran (True here) is replaced by Unknown/ProbeDisabled, never left standing.
TEST_F(ConnectionStatusTest, DisabledProbeRunsNothingAndReplacesTheLastResult) {
  setProbeResult(ProbeReason::kReachable, "TLS handshake verified");
  seedAgent();
  converge();
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  converge();
  ASSERT_EQ(condition(kServerReachable)["status"], "True");
  ASSERT_TRUE(status()["server"].contains("lastProbeTime"));

  ConnectionObserverOptions off = observerOptions();
  off.probeEnabled = false;
  wire(off);
  const int before = probes();
  converge();
  clock_->advance(std::chrono::seconds(70));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // idle workers re-read the clock
  reconcile();
  EXPECT_EQ(probes(), before);
  EXPECT_EQ(observer_->scheduler().size(), 0u);
  EXPECT_EQ(condition(kServerReachable)["status"], "Unknown");
  EXPECT_EQ(condition(kServerReachable)["reason"], "ProbeDisabled");
  EXPECT_THAT(condition(kServerReachable)["message"].get<std::string>(),
              ::testing::HasSubstr("--probe=false"));
  EXPECT_EQ(status()["server"]["host"], "principal.example");
  EXPECT_FALSE(status()["server"].contains("lastProbeTime"));
  EXPECT_FALSE(status()["server"].contains("certificateNotAfter"));
}

TEST_F(ConnectionStatusTest, RepeatedProbesWithTheSameResultWriteNothing) {
  setProbeResult(ProbeReason::kConnectionRefused, "connection refused");
  seedAgent();
  setPod({{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
  converge();
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  converge();
  EXPECT_EQ(condition(kServerReachable)["reason"], "ConnectionRefused");
  const size_t caGetsBefore = caGets();
  fake_->clearRecords();
  for (int i = 0; i < 3; ++i) {
    const int before = probes();
    clock_->advance(std::chrono::seconds(70));
    ASSERT_TRUE(testsupport::eventually([&] { return probes() > before; }));
    reconcile();
  }
  EXPECT_EQ(fake_->writeCount(), 0u);
  EXPECT_EQ(changes_.load(), 1);
  EXPECT_EQ(caGets(), caGetsBefore);  // same digest: no GET

  // A different result is one change and one status write.
  setProbeResult(ProbeReason::kReachable, "TLS handshake verified");
  clock_->advance(std::chrono::seconds(70));
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() == 2; }));
  reconcile();
  EXPECT_EQ(condition(kServerReachable)["reason"], "Reachable");
  EXPECT_EQ(fake_->writeCount(), 1u);
}

// A restarted operator has probed nothing yet. Its predecessor's result in
// status stands in until its first probe, so neither that wait ("Probing")
// nor the probe that finds the same again writes status. Before, each
// ClusterAgent's status was written twice after every restart.
TEST_F(ConnectionStatusTest, ARestartedOperatorRewritesNoStatusForAnUnchangedServer) {
  setProbeResult(ProbeReason::kConnectionRefused, "connection refused");
  seedAgent();
  // Not connected: Ready's message then also quotes the probe.
  setPod({{"conditions", {{{"type", "Ready"}, {"status", "False"}}}}});
  converge();
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  converge();
  const json before = status();
  ASSERT_EQ(condition(kServerReachable)["reason"], "ConnectionRefused");
  ASSERT_TRUE(before["server"].contains("lastProbeTime"));

  holdProbes(true);
  wire(observerOptions());  // the restart: a new observer, nothing probed
  changes_ = 0;
  fake_->clearRecords();
  reconcile();
  EXPECT_EQ(fake_->writeCount(), 0u) << status().dump();

  holdProbes(false);  // its first probe finds what its predecessor found
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 1; }));
  clock_->advance(std::chrono::seconds(5));
  reconcile();
  EXPECT_EQ(fake_->writeCount(), 0u) << status().dump();
  EXPECT_EQ(status(), before);

  // What it finds differently is written, with the new probe's time.
  setProbeResult(ProbeReason::kReachable, "TLS handshake verified");
  clock_->advance(std::chrono::seconds(70));
  ASSERT_TRUE(testsupport::eventually([&] { return changes_.load() >= 2; }));
  reconcile();
  EXPECT_EQ(condition(kServerReachable)["reason"], "Reachable");
  EXPECT_NE(status()["server"]["lastProbeTime"], before["server"]["lastProbeTime"]);
}

TEST_F(ConnectionStatusTest, RotatedCaIsFetchedAgainAndReprobed) {
  setProbeResult(ProbeReason::kReachable, "ok");
  seedAgent();
  fake_->clearRecords();
  reconcile();
  EXPECT_EQ(caGets(), 1u);  // first sight of the CA
  converge();
  reconcile();
  EXPECT_EQ(caGets(), 0u);  // same digest: from memory
  fake_->seed(res::kSecrets,
              secret("argocd", "aro-ca", {{"ca.crt", std::string(testpem::kCert) + "\n"}}));
  reconcile();
  EXPECT_EQ(caGets(), 1u);  // rotated: fetched again
  ASSERT_TRUE(testsupport::eventually([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return !targets_.empty() && targets_.back().caPem == std::string(testpem::kCert) + "\n";
  }));
}

TEST_F(ConnectionStatusTest, MissingCaSecretIsNotProbed) {
  seedAgent();
  seedClusterAgent("aro-agent", "aro-prod", "nope");
  reconcile();
  EXPECT_EQ(condition(kServerReachable)["status"], "Unknown");
  EXPECT_EQ(condition(kServerReachable)["reason"], "CAUnavailable");
  EXPECT_EQ(observer_->scheduler().size(), 0u);
}

// proxy.httpsProxySecretRef: the probe goes through the URL in the Secret
// (re-read when it changes), and status never quotes it.
TEST_F(ConnectionStatusTest, ProxyUrlFromTheSecretIsProbedAndNeverQuoted) {
  setProbeResult(ProbeReason::kReachable, "ok");
  seedAgent();
  const std::string url1 = "http://agent:PROXY-PW-1@proxy.internal:3128";
  fake_->seed(kClusterAgents,
              clusterAgent("argocd", "aro-agent",
                           {{"serverAddr", "https://principal.example:8443"},
                            {"clusterName", "aro-prod"},
                            {"authTokenSecretRef", {{"name", "aro-token"}}},
                            {"tls", {{"caSecretRef", {{"name", "aro-ca"}}}}},
                            {"proxy", {{"httpsProxySecretRef", {{"name", "egress"}}}}}}));
  fake_->seed(res::kSecrets, secret("argocd", "egress", {{"httpsProxy", url1}}));
  converge();
  ASSERT_TRUE(testsupport::eventually([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return !targets_.empty() && targets_.back().httpsProxy == url1;
  }));
  const std::string url2 = "http://agent:PROXY-PW-2@proxy.internal:3128";
  fake_->seed(res::kSecrets, secret("argocd", "egress", {{"httpsProxy", url2}}));
  converge();
  ASSERT_TRUE(testsupport::eventually([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return !targets_.empty() && targets_.back().httpsProxy == url2;
  }));
  EXPECT_EQ(status().dump().find("PROXY-PW"), std::string::npos);
  for (const auto& e : events_.events) EXPECT_EQ(e.message.find("PROXY-PW"), std::string::npos);

  ASSERT_TRUE(fake_->remove(res::kSecrets, "argocd", "egress").isOk());
  reconcile();
  EXPECT_EQ(condition(kServerReachable)["status"], "Unknown");
  EXPECT_EQ(condition(kServerReachable)["reason"], "ProxyUnavailable");
  EXPECT_EQ(observer_->scheduler().size(), 0u) << "no direct probe: the agent goes via the proxy";
}

// No CA of the operator's: the probe verifies with what the agent will
// trust, every key of its default CA Secret in argocdNamespace; with
// tls.rootCAPath (a file in the agent image) it uses the system roots.
TEST_F(ConnectionStatusTest, ProbeTrustsTheAgentsDefaultCaSecret) {
  setProbeResult(ProbeReason::kReachable, "ok");
  json spec = {{"serverAddr", "https://principal.example:8443"},
               {"clusterName", "aro-prod"},
               {"auth", {{"method", "mtls"}}}};
  fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", spec));
  seedDefaultTlsSecrets();
  reconcile();
  // The observer probes on its own thread: wait for the probe, not the reconcile.
  auto lastProbeTrusts = [&](const std::string& caPem) {
    return testsupport::eventually([&] {
      std::lock_guard<std::mutex> lock(mu_);
      return !targets_.empty() && targets_.back().caPem == caPem;
    });
  };
  EXPECT_TRUE(lastProbeTrusts(testpem::kCert));
  spec["tls"] = {{"rootCAPath", "/etc/ssl/certs/ca-certificates.crt"}};
  fake_->seed(kClusterAgents, clusterAgent("argocd", "aro-agent", spec));
  reconcile();
  EXPECT_TRUE(lastProbeTrusts(""));
}

TEST_F(ConnectionStatusTest, PodReasonsReachTheConnectedCondition) {
  setProbeResult(ProbeReason::kReachable, "ok");
  seedAgent();
  converge();
  EXPECT_EQ(condition(kConnected)["reason"], "NoAgentPods");
  setPod({{"containerStatuses",
           {{{"name", "agent"},
             {"image", "img"},
             {"state", {{"waiting", {{"reason", "ErrImagePull"}, {"message", "not found"}}}}}}}}});
  reconcile();
  EXPECT_EQ(condition(kConnected)["reason"], "ImagePullBackOff");
  EXPECT_EQ(status()["phase"], "Degraded");
  setPod({{"containerStatuses", {{{"name", "agent"}, {"state", {{"running", json::object()}}}}}}});
  reconcile();
  EXPECT_EQ(condition(kConnected)["reason"], "AgentNotConnected");
  EXPECT_EQ(status()["phase"], "Disconnected");
  EXPECT_FALSE(status().contains("connectedSince"));
}

// A running agent that is not connected: its log says why, and Connected says
// it too; a ready agent's log is never read.
TEST_F(ConnectionStatusTest, TheAgentsLogExplainsWhyItIsNotConnected) {
  setProbeResult(ProbeReason::kReachable, "ok");
  seedAgent();
  setPod({{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
  converge();
  EXPECT_EQ(condition(kConnected)["reason"], "Connected");
  EXPECT_EQ(fake_->callCount("get", "pods"), 0u) << "a connected agent's log was read";

  // No log to read (no pods/log permission, say): the reason stays as it was.
  setPod({{"containerStatuses", {{{"name", "agent"}, {"state", {{"running", json::object()}}}}}}});
  auto r = reconcile();
  EXPECT_EQ(condition(kConnected)["reason"], "AgentNotConnected");
  EXPECT_EQ(r.kind, ctrl::queue::Result::Kind::kDone) << "a container of unknown age: no re-look";

  // A young container whose log says nothing yet: look again soon, since no
  // event will announce the line it is about to write.
  const std::string startedAt =
      ctrl::conditions::formatTime(std::chrono::system_clock::now() - std::chrono::seconds(10));
  setPod({{"containerStatuses",
           {{{"name", "agent"}, {"state", {{"running", {{"startedAt", startedAt}}}}}}}}});
  fake_->setPodLog("argocd", "aro-agent-agent-1", "level=info msg=\"Starting argocd-agent\"\n");
  r = reconcile();
  EXPECT_EQ(condition(kConnected)["reason"], "AgentNotConnected");
  EXPECT_EQ(r.kind, ctrl::queue::Result::Kind::kRequeueAfter);
  EXPECT_EQ(r.after, std::chrono::seconds(20));

  fake_->setPodLog("argocd", "aro-agent-agent-1",
                   "level=info msg=\"Starting argocd-agent\"\n"
                   "level=error msg=\"Version mismatch with principal: version mismatch\"\n");
  r = reconcile();
  EXPECT_EQ(r.kind, ctrl::queue::Result::Kind::kDone) << "diagnosed: nothing more to wait for";
  EXPECT_EQ(condition(kConnected)["status"], "False");
  EXPECT_EQ(condition(kConnected)["reason"], "VersionMismatch");
  EXPECT_NE(condition(kConnected)["message"].get<std::string>().find(
                "runs quay.io/argoprojlabs/argocd-agent:v0.9.0"),
            std::string::npos)
      << condition(kConnected)["message"];
  EXPECT_EQ(status()["phase"], "Degraded");
  bool readAgentContainer = false;
  for (const auto& c : fake_->calls()) {
    readAgentContainer |= c.resource == "pods" && c.subresource == "log" &&
                          c.name == "aro-agent-agent-1" && c.ns == "argocd";
  }
  EXPECT_TRUE(readAgentContainer);

  // The same log again: nothing to write.
  fake_->clearRecords();
  reconcile();
  EXPECT_EQ(fake_->writeCount(), 0u);
}

TEST_F(ConnectionStatusTest, DeletionStopsProbingAndDropsSeries) {
  setProbeResult(ProbeReason::kReachable, "ok");
  seedAgent();
  setPod({{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
  converge();
  EXPECT_EQ(observer_->scheduler().size(), 1u);
  EXPECT_NE(registry_.render().find("name=\"aro-agent\""), std::string::npos);
  ASSERT_TRUE(fake_->remove(kClusterAgents, "argocd", "aro-agent").isOk());
  reconcile();  // finalizer path
  EXPECT_EQ(observer_->scheduler().size(), 0u);
  EXPECT_EQ(registry_.render().find("name=\"aro-agent\""), std::string::npos);
}

TEST_F(ConnectionStatusTest, ClusterAgentsSharingACaSecretFetchItOncePerContent) {
  setProbeResult(ProbeReason::kReachable, "TLS handshake verified");
  seedAgent();
  seedClusterAgent("aro-agent-2", "aro-prod-2", "aro-ca");
  reconcile("argocd", "aro-agent");
  reconcile("argocd", "aro-agent-2");
  EXPECT_EQ(caGets(), 1u);
  ASSERT_TRUE(testsupport::eventually([&] { return targets().size() >= 2; }));
  for (const auto& t : targets()) EXPECT_EQ(t.caPem, testpem::kCert);

  // New content is a new digest: fetched once more, by the first to look.
  fake_->seed(res::kSecrets,
              secret("argocd", "aro-ca", {{"ca.crt", std::string(testpem::kCert) + "\n"}}));
  reconcile("argocd", "aro-agent");
  reconcile("argocd", "aro-agent-2");
  EXPECT_EQ(caGets(), 2u);
}

}  // namespace
}  // namespace clusteragent::testing
