// Secure /metrics against the real kube-apiserver: the authorizer runs under a
// ServiceAccount holding the shipped operator ClusterRole (so its
// tokenreviews / subjectaccessreviews rules are tested too), and scrapers
// present real ServiceAccount tokens: one bound to the shipped metrics-reader
// ClusterRole reads the metrics, one without it gets 403, none gets 401.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "controller/manager/health_server.h"
#include "tests/support/control_plane.h"
#include "tests/support/raw_http.h"
#include "tests/support/service_account_kubeconfig.h"

namespace ctrl::manager {
namespace {

using testsupport::ControlPlane;
using testsupport::TestNamespace;

// Names in manifests/base.
const char kOperatorClusterRole[] = "clusteragent-operator";
const char kMetricsReaderClusterRole[] = "clusteragent-operator-metrics-reader";

class MetricsAuthorizationIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = std::make_unique<TestNamespace>("metrics-authz");
    const std::string base = cp_.repoRoot() + "/manifests/base/";
    auto applied = cp_.kubectl({"apply", "-f", base + "cluster_role.yaml", "-f",
                                base + "metrics_reader_cluster_role.yaml"});
    ASSERT_TRUE(applied.ok()) << applied.output;
    for (const char* sa : {"operator", "reader", "stranger"}) {
      auto r = cp_.kubectl({"create", "serviceaccount", sa, "-n", ns()});
      ASSERT_TRUE(r.ok()) << r.output;
    }
    bind("operator", kOperatorClusterRole);
    bind("reader", kMetricsReaderClusterRole);

    kubeconfig_ = ::testing::TempDir() + "/metrics-authz-" + ns() + ".kubeconfig";
    ASSERT_TRUE(testsupport::writeServiceAccountKubeconfig(ns(), "operator", kubeconfig_));
    auto config = kube::loadKubeconfigFile(kubeconfig_);
    ASSERT_TRUE(config.isOk()) << config.status().toString();
    auto client = kube::CpprestKubeClient::create(*config);
    ASSERT_TRUE(client.isOk()) << client.status().toString();

    registry_.gauge("authz_integration_gauge", "G.").set(3);
    HealthServerOptions o;
    o.metricsBindAddress = "127.0.0.1:0";
    o.healthProbeBindAddress = "127.0.0.1:0";
    o.registry = &registry_;
    o.metricsSecure = true;  // a self-signed certificate, as the operator makes at start
    o.metricsAuthorizer = std::make_shared<MetricsAuthorizer>(*client);
    server_ = std::make_unique<HealthServer>(o);
    auto started = server_->start();
    ASSERT_TRUE(started.isOk()) << started.toString();
  }

  void TearDown() override {
    server_.reset();
    for (const auto& binding : bindings_) cp_.kubectl({"delete", "clusterrolebinding", binding});
    if (!kubeconfig_.empty()) std::filesystem::remove(kubeconfig_);
  }

  void bind(const std::string& serviceAccount, const std::string& clusterRole) {
    const std::string name = ns() + "-" + serviceAccount;
    auto r = cp_.kubectl({"create", "clusterrolebinding", name, "--clusterrole=" + clusterRole,
                          "--serviceaccount=" + ns() + ":" + serviceAccount});
    ASSERT_TRUE(r.ok()) << r.output;
    bindings_.push_back(name);
  }

  std::string scrape(const std::string& token, const std::string& path = "/metrics") {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    auto r = testsupport::rawExchange(server_->metricsPort(), request + "\r\n", true);
    EXPECT_TRUE(r.connected);
    return r.response;
  }

  const std::string& ns() const { return ns_->name(); }

  const ControlPlane& cp_ = ControlPlane::instance();
  std::unique_ptr<TestNamespace> ns_;
  std::vector<std::string> bindings_;
  std::string kubeconfig_;
  Registry registry_;
  std::unique_ptr<HealthServer> server_;
};

TEST_F(MetricsAuthorizationIntegrationTest, OnlyAMetricsReaderScrapes) {
  const std::string reader = cp_.serviceAccountToken(ns(), "reader");
  const std::string stranger = cp_.serviceAccountToken(ns(), "stranger");
  ASSERT_FALSE(reader.empty());
  ASSERT_FALSE(stranger.empty());

  std::string allowed = scrape(reader);
  EXPECT_EQ(testsupport::statusCodeOf(allowed), 200) << allowed;
  EXPECT_NE(allowed.find("authz_integration_gauge 3"), std::string::npos) << allowed;

  std::string forbidden = scrape(stranger);
  EXPECT_EQ(testsupport::statusCodeOf(forbidden), 403) << forbidden;
  EXPECT_NE(forbidden.find("system:serviceaccount:" + ns() + ":stranger"), std::string::npos)
      << forbidden;
  EXPECT_EQ(forbidden.find("authz_integration_gauge"), std::string::npos);

  std::string anonymous = scrape("");
  EXPECT_EQ(testsupport::statusCodeOf(anonymous), 401) << anonymous;
  std::string invalid = scrape("not-a-token");
  EXPECT_EQ(testsupport::statusCodeOf(invalid), 401) << invalid;

  // The answer is cached: a second scrape is allowed too (and cheaper).
  EXPECT_EQ(testsupport::statusCodeOf(scrape(reader)), 200);
  // The probes stay plain and open.
  auto healthz =
      testsupport::rawExchange(server_->probePort(), "GET /healthz HTTP/1.1\r\n\r\n", false);
  EXPECT_EQ(testsupport::statusCodeOf(healthz.response), 200) << healthz.response;
}

}  // namespace
}  // namespace ctrl::manager
