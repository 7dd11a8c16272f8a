// Connected and ServerReachable against the real control plane: the operator's
// reconcile loop (ClusterAgentOperator, in process) watches agent pods that
// kube-controller-manager's ReplicaSets create, while the test plays the
// kubelet by writing their status; and the real OpenSSL prober probes TLS
// servers the test starts on loopback.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "controller/clock/rfc3339.h"
#include "controller/conditions/conditions.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/object_meta.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/prober/certificate_expiry.h"
#include "reconcilers/clusteragent/setup.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"
#include "tests/support/loopback_listener.h"
#include "tests/support/test_certificates.h"
#include "tests/support/tls_test_server.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testsupport::ControlPlane;
using testsupport::eventually;
using testsupport::TestNamespace;

constexpr auto kDeadline = seconds(30);

// eventually(), polling the API server at most ten times a second.
bool poll(const std::function<bool()>& check, std::chrono::milliseconds deadline = kDeadline) {
  return eventually(check, deadline, milliseconds(100));
}
const ctrl::kube::Resource kResourceQuotas{"", "v1", "resourcequotas", "ResourceQuota", true};

class ConnectionStatusIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = ctrl::kube::loadKubeconfigFile(cp_.adminKubeconfig());
    ASSERT_TRUE(config.isOk()) << config.status().toString();
    ctrl::kube::KubeClientOptions opts;
    opts.qps = 0;
    auto client = ctrl::kube::CpprestKubeClient::create(*config, opts);
    ASSERT_TRUE(client.isOk()) << client.status().toString();
    client_ = *client;
    ns_ = std::make_unique<TestNamespace>("conn");
    ASSERT_TRUE(client_
                    ->create(res::kSecrets, ns(),
                             {{"apiVersion", "v1"},
                              {"kind", "Secret"},
                              {"metadata", {{"name", "token"}}},
                              {"stringData", {{"token", "not-a-real-token"}}}},
                             "test")
                    .isOk());
    // Upstream's default client certificate Secret: without it (and without
    // spec.auth.clientCertSecretRef) no agent Deployment is created.
    auto cert = testsupport::makeSelfSignedCertificate();
    ASSERT_TRUE(
        client_
            ->create(res::kSecrets, ns(),
                     {{"apiVersion", "v1"},
                      {"kind", "Secret"},
                      {"metadata", {{"name", kDefaultClientCertSecret}}},
                      {"type", "kubernetes.io/tls"},
                      {"stringData", {{"tls.crt", cert.certPem}, {"tls.key", cert.keyPem}}}},
                     "test")
            .isOk());
    ASSERT_TRUE(client_
                    ->create(res::kSecrets, ns(),
                             {{"apiVersion", "v1"},
                              {"kind", "Secret"},
                              {"metadata", {{"name", kDefaultCaSecret}}},
                              {"stringData", {{"ca.crt", cert.certPem}}}},
                             "test")
                    .isOk());
  }

  // The test's servers are on loopback, which the operator's default address
  // rules refuse: the operator of most tests is one an admin allowed it for.
  static prober::AddressPolicy loopbackAllowed() {
    prober::AddressPolicy p;
    p.allowCidrs = {*prober::parseCidr("127.0.0.0/8")};
    return p;
  }

  // The operator, as the least-privilege user, watching this test's namespace only.
  void startOperator(prober::AddressPolicy probeAddresses = loopbackAllowed(),
                     bool probeEnabled = true) {
    testsupport::InProcessOperator::Options o;
    o.recordEvents = false;
    o.operatorOptions.namespaces = {ns()};
    o.operatorOptions.probeAddresses = std::move(probeAddresses);
    o.operatorOptions.connection.probeEnabled = probeEnabled;
    o.operatorOptions.connection.probeInterval = milliseconds(1000);
    o.operatorOptions.connection.probeTimeout = milliseconds(1000);
    op_ = std::make_unique<testsupport::InProcessOperator>(std::move(o));
    ASSERT_TRUE(op_->started());
  }

  void TearDown() override { op_.reset(); }

  const std::string& ns() const { return ns_->name(); }

  void createCaSecret(const std::string& name, const std::string& caPem) {
    auto r = client_->create(res::kSecrets, ns(),
                             {{"apiVersion", "v1"},
                              {"kind", "Secret"},
                              {"metadata", {{"name", name}}},
                              {"stringData", {{"ca.crt", caPem}}}},
                             "test");
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }

  // A principal stand-in on loopback whose certificate chains to a CA kept in
  // Secret `caSecret`, and the spec fragment of an agent that trusts it.
  struct TrustedServer {
    testsupport::IssuedCertificate leaf;
    std::unique_ptr<testsupport::TlsTestServer> server;
    std::string url() const { return "https://127.0.0.1:" + std::to_string(server->port()); }
  };
  TrustedServer startTrustedServer(const std::string& caSecret) {
    testsupport::TestCertificateAuthority ca(caSecret);
    TrustedServer t;
    t.leaf = ca.issue();
    t.server = std::make_unique<testsupport::TlsTestServer>(t.leaf.certPem, t.leaf.keyPem);
    createCaSecret(caSecret, ca.certPem());
    return t;
  }
  static json trusting(const std::string& caSecret) {
    return {{"tls", {{"caSecretRef", {{"name", caSecret}}}}}};
  }

  void createAgent(const std::string& name, const std::string& serverAddr,
                   json extra = json::object()) {
    json spec = {{"serverAddr", serverAddr},
                 {"clusterName", name},
                 {"authTokenSecretRef", {{"name", "token"}}}};
    spec.update(extra);
    auto r = client_->create(kClusterAgents, ns(),
                             {{"apiVersion", "argoproj.io/v1alpha1"},
                              {"kind", "ClusterAgent"},
                              {"metadata", {{"name", name}}},
                              {"spec", spec}},
                             "test");
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }

  json agent(const std::string& name) {
    auto r = client_->get(kClusterAgents, ns(), name);
    return r.isOk() ? *r : json::object();
  }
  json condition(const std::string& name, const std::string& type) {
    const json conds = agent(name).value("/status/conditions"_json_pointer, json::array());
    const json* c = ctrl::conditions::findCondition(conds, type);
    return c ? *c : json::object();
  }
  // Waits until condition `type` has `reason`; on timeout fails with what it saw.
  void expectReason(const std::string& name, const std::string& type, const std::string& reason,
                    std::chrono::milliseconds deadline = kDeadline) {
    bool ok = poll([&] { return condition(name, type).value("reason", "") == reason; }, deadline);
    EXPECT_TRUE(ok) << name << " " << type << " never became " << reason
                    << "; last: " << condition(name, type).dump();
  }

  // The agent pod kube-controller-manager created for ClusterAgent `name`.
  std::string agentPod(const std::string& name) {
    std::string pod;
    poll([&] {
      ctrl::kube::ListOptions lo;
      lo.labelSelector = std::string(kClusterAgentLabel) + "=" + name;
      auto pods = client_->list(res::kPods, ns(), lo);
      if (!pods.isOk() || (*pods)["items"].empty()) return false;
      pod = (*pods)["items"][0]["metadata"]["name"];
      return true;
    });
    return pod;
  }
  // Plays the kubelet.
  void writePodStatus(const std::string& pod, const json& status) {
    ctrl::kube::PatchOptions po;
    po.subresource = "status";
    auto r = client_->patch(res::kPods, ns(), pod, ctrl::kube::PatchType::kMerge,
                            {{"status", status}}, po);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }
  static json containerStatus(const json& state, const json& lastState = json::object()) {
    return json::array({{{"name", "agent"},
                         {"image", "quay.io/argoprojlabs/argocd-agent:v0.9.0"},
                         {"imageID", ""},
                         {"ready", false},
                         {"restartCount", lastState.empty() ? 0 : 5},
                         {"state", state},
                         {"lastState", lastState}}});
  }

  const ControlPlane& cp_ = ControlPlane::instance();
  ctrl::kube::KubeClientPtr client_;
  std::unique_ptr<TestNamespace> ns_;
  std::unique_ptr<testsupport::InProcessOperator> op_;
};

// ---------------------------------------------------------------- ServerReachable

TEST_F(ConnectionStatusIntegrationTest, TrustedServerIsReachableWithCertificateExpiry) {
  TrustedServer server = startTrustedServer("principal-ca");
  startOperator();
  createAgent("trusted", server.url(), trusting("principal-ca"));
  expectReason("trusted", kServerReachable, "Reachable");
  EXPECT_EQ(condition("trusted", kServerReachable)["status"], "True");
  const json st = agent("trusted")["status"];
  EXPECT_EQ(st["server"]["host"], "127.0.0.1");
  EXPECT_EQ(st["server"]["port"], server.server->port());
  EXPECT_EQ(st["server"]["certificateNotAfter"], ctrl::formatRfc3339(server.leaf.notAfter));
  EXPECT_TRUE(st["server"].contains("lastProbeTime"));
  EXPECT_EQ(st.dump().find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_TRUE(ctrl::conditions::findCondition(st["conditions"], kServerCertificateExpiring) ==
              nullptr);
}

TEST_F(ConnectionStatusIntegrationTest, ServerFailuresHaveTheirReasons) {
  testsupport::TestCertificateAuthority trusted("trusted-ca");
  testsupport::TestCertificateAuthority other("other-ca");
  auto foreign = other.issue();
  auto expired = trusted.issue(testsupport::expiredSpec());
  testsupport::TlsTestServer untrustedServer(foreign.certPem, foreign.keyPem);
  testsupport::TlsTestServer expiredServer(expired.certPem, expired.keyPem);
  createCaSecret("trusted-ca", trusted.certPem());
  startOperator();
  const json tls = trusting("trusted-ca");
  createAgent("untrusted", "https://127.0.0.1:" + std::to_string(untrustedServer.port()), tls);
  createAgent("expired", "https://127.0.0.1:" + std::to_string(expiredServer.port()), tls);
  createAgent("refused", "127.0.0.1:" + std::to_string(testsupport::unusedLoopbackPort()), tls);
  createAgent("nodns", "https://nonexistent.invalid", tls);

  expectReason("untrusted", kServerReachable, "CertificateUntrusted");
  expectReason("expired", kServerReachable, "CertificateExpired");
  expectReason("refused", kServerReachable, "ConnectionRefused");
  expectReason("nodns", kServerReachable, "DNSError");
  EXPECT_EQ(condition("refused", kServerReachable)["status"], "False");
  // An expired certificate also raises the expiry warning.
  expectReason("expired", kServerCertificateExpiring, "CertificateExpiresSoon");
  EXPECT_EQ(agent("expired")["status"]["server"]["certificateNotAfter"],
            ctrl::formatRfc3339(expired.notAfter));
}

TEST_F(ConnectionStatusIntegrationTest, SilentServerTimesOutWhileOthersKeepConverging) {
  testsupport::LoopbackListener silent;  // accepts TCP, never speaks TLS
  TrustedServer server = startTrustedServer("ca");
  startOperator();
  createAgent("silent", "https://127.0.0.1:" + std::to_string(silent.port()), trusting("ca"));
  createAgent("healthy", server.url(), trusting("ca"));
  expectReason("healthy", kServerReachable, "Reachable");
  expectReason("silent", kServerReachable, "Timeout");
  EXPECT_NE(condition("silent", kServerReachable).value("message", "").find("127.0.0.1"),
            std::string::npos);
  // The hung probe holds one prober thread only: the other keeps reconciling.
  auto r = client_->patch(kClusterAgents, ns(), "healthy", ctrl::kube::PatchType::kMerge,
                          {{"spec", {{"replicas", 0}}}}, {});
  ASSERT_TRUE(r.isOk());
  expectReason("healthy", kConnected, "Paused");
  EXPECT_EQ(agent("healthy")["status"]["phase"], "Disconnected");
}

// The operator's default address rules (no --probe-allow-cidrs): the cloud
// metadata address and a name that resolves to loopback are not probed, and
// status says why with the host:port as written, never the address it
// resolved to.
TEST_F(ConnectionStatusIntegrationTest, MetadataAndLoopbackAddressesAreNotProbed) {
  testsupport::LoopbackListener listener;  // would queue any connection made to it
  startOperator(prober::AddressPolicy{});
  createAgent("metadata", "https://169.254.169.254");
  createAgent("local", "https://localhost:" + std::to_string(listener.port()));

  expectReason("metadata", kServerReachable, "ProbeRefused");
  expectReason("local", kServerReachable, "ProbeRefused");
  const json metadata = condition("metadata", kServerReachable);
  EXPECT_EQ(metadata["status"], "Unknown");
  EXPECT_NE(metadata.value("message", "").find("169.254.169.254:443"), std::string::npos)
      << metadata.dump();
  EXPECT_NE(metadata.value("message", "").find("link-local"), std::string::npos) << metadata.dump();
  const json local = condition("local", kServerReachable);
  EXPECT_EQ(local["status"], "Unknown");
  const std::string localMessage = local.value("message", "");
  EXPECT_NE(localMessage.find("localhost:" + std::to_string(listener.port())), std::string::npos)
      << localMessage;
  EXPECT_NE(localMessage.find("loopback"), std::string::npos) << localMessage;
  EXPECT_NE(localMessage.find("--probe-allow-cidrs"), std::string::npos) << localMessage;
  const std::string localStatus = agent("local")["status"].dump();
  EXPECT_EQ(localStatus.find("127.0.0.1"), std::string::npos) << localStatus;
  EXPECT_EQ(localStatus.find("::1"), std::string::npos) << localStatus;
  // A refusal is not a probe: no probe time, no certificate.
  EXPECT_FALSE(agent("local")["status"]["server"].contains("lastProbeTime"));
  // Nothing connected to the listener (a connection would wait in its queue).
  EXPECT_EQ(listener.acceptFor(milliseconds(0)), -1);
}

// --probe=false: nothing is probed, and ServerReachable says so.
TEST_F(ConnectionStatusIntegrationTest, DisabledProbeConnectsNowhere) {
  testsupport::LoopbackListener listener;
  startOperator(loopbackAllowed(), /*probeEnabled=*/false);
  createAgent("off", "https://127.0.0.1:" + std::to_string(listener.port()));
  expectReason("off", kServerReachable, "ProbeDisabled");
  EXPECT_EQ(condition("off", kServerReachable)["status"], "Unknown");
  EXPECT_FALSE(agent("off")["status"]["server"].contains("lastProbeTime"));
  EXPECT_EQ(listener.acceptFor(milliseconds(0)), -1);
}

// ---------------------------------------------------------------- Connected

TEST_F(ConnectionStatusIntegrationTest, PodStatesGiveConnectedReasons) {
  TrustedServer server = startTrustedServer("ca");
  startOperator();
  createAgent("pods", server.url(), trusting("ca"));
  const std::string pod = agentPod("pods");
  ASSERT_FALSE(pod.empty());

  writePodStatus(
      pod, {{"phase", "Pending"},
            {"containerStatuses", containerStatus({{"waiting",
                                                    {{"reason", "ImagePullBackOff"},
                                                     {"message", "Back-off pulling image"}}}})}});
  expectReason("pods", kConnected, "ImagePullBackOff");
  EXPECT_EQ(agent("pods")["status"]["phase"], "Degraded");

  writePodStatus(pod, {{"phase", "Running"},
                       {"containerStatuses",
                        containerStatus({{"waiting", {{"reason", "CrashLoopBackOff"}}}},
                                        {{"terminated",
                                          {{"exitCode", 1},
                                           {"reason", "Error"},
                                           {"message", "version mismatch: principal v0.8"}}}})}});
  expectReason("pods", kConnected, "CrashLoopBackOff");
  EXPECT_NE(condition("pods", kConnected).value("message", "").find("version mismatch"),
            std::string::npos);

  writePodStatus(
      pod,
      {{"phase", "Running"},
       {"conditions",
        {{{"type", "Ready"}, {"status", "False"}}, {{"type", "PodScheduled"}, {"status", "True"}}}},
       {"containerStatuses",
        containerStatus({{"running", {{"startedAt", "2026-01-01T00:00:00Z"}}}})}});
  expectReason("pods", kConnected, "AgentNotConnected");
  EXPECT_EQ(agent("pods")["status"]["phase"], "Disconnected");

  writePodStatus(
      pod,
      {{"phase", "Running"},
       {"conditions",
        {{{"type", "Ready"}, {"status", "True"}}, {{"type", "PodScheduled"}, {"status", "True"}}}},
       {"containerStatuses",
        containerStatus({{"running", {{"startedAt", "2026-01-01T00:00:00Z"}}}})}});
  auto waited = cp_.kubectl(
      {"wait", "--for=condition=Connected", "clusteragent/pods", "-n", ns(), "--timeout=60s"});
  EXPECT_EQ(waited.exitCode, 0) << waited.output;
  EXPECT_TRUE(agent("pods")["status"].contains("connectedSince"));
}

TEST_F(ConnectionStatusIntegrationTest, UnschedulablePod) {
  startOperator();
  createAgent("unsched", "https://nonexistent.invalid");
  const std::string pod = agentPod("unsched");
  ASSERT_FALSE(pod.empty());
  writePodStatus(pod, {{"phase", "Pending"},
                       {"conditions",
                        {{{"type", "PodScheduled"},
                          {"status", "False"},
                          {"reason", "Unschedulable"},
                          {"message", "0/3 nodes are available: 3 Insufficient memory."}}}}});
  expectReason("unsched", kConnected, "Unschedulable");
  EXPECT_NE(condition("unsched", kConnected).value("message", "").find("Insufficient memory"),
            std::string::npos);
}

TEST_F(ConnectionStatusIntegrationTest, NoAgentPodsWhenTheQuotaForbidsThem) {
  auto r = client_->create(kResourceQuotas, ns(),
                           {{"apiVersion", "v1"},
                            {"kind", "ResourceQuota"},
                            {"metadata", {{"name", "no-pods"}}},
                            {"spec", {{"hard", {{"pods", "0"}}}}}},
                           "test");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  startOperator();
  createAgent("nopods", "https://nonexistent.invalid");
  expectReason("nopods", kConnected, "NoAgentPods");
  EXPECT_EQ(agent("nopods")["status"]["phase"], "Progressing");
}

// A converged ClusterAgent is not written again while probes keep finding the
// same result.
TEST_F(ConnectionStatusIntegrationTest, NoStatusWriteWhenNothingChanged) {
  TrustedServer trusted = startTrustedServer("ca");
  testsupport::TlsTestServer& server = *trusted.server;
  startOperator();
  json paused = trusting("ca");
  paused["replicas"] = 0;
  createAgent("steady", trusted.url(), paused);
  expectReason("steady", kServerReachable, "Reachable");
  expectReason("steady", kConnected, "Paused");
  // Settled: the same resourceVersion over two reads a probe interval apart.
  std::string rv;
  ASSERT_TRUE(poll([&] {
    std::string now = agent("steady")["metadata"].value("resourceVersion", "");
    const int before = server.completedHandshakes();
    if (!eventually([&] { return server.completedHandshakes() > before; })) return false;
    bool same = !now.empty() && now == agent("steady")["metadata"].value("resourceVersion", "");
    rv = now;
    return same;
  }));
  const int handshakes = server.completedHandshakes();
  ASSERT_TRUE(eventually([&] { return server.completedHandshakes() >= handshakes + 3; }));
  EXPECT_EQ(agent("steady")["metadata"].value("resourceVersion", ""), rv);
}

}  // namespace
}  // namespace clusteragent
