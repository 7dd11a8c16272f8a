#include "controller/manager/health_server.h"

#include <arpa/inet.h>
#include <cpprest/http_client.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "tests/mocks/kube/mock_kube_client.h"
#include "tests/support/raw_http.h"

namespace ctrl::manager {
namespace {

int freeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

struct Got {
  int code;
  std::string body;
};

HealthServerOptions addresses(const std::string& metrics, const std::string& probes,
                              const Registry* registry) {
  HealthServerOptions o;
  o.metricsBindAddress = metrics;
  o.healthProbeBindAddress = probes;
  o.registry = registry;
  return o;
}

Got httpGet(int port, const std::string& path) {
  web::http::client::http_client client("http://127.0.0.1:" + std::to_string(port));
  auto resp = client.request(web::http::methods::GET, path).get();
  return {resp.status_code(), resp.extract_string(true).get()};
}

TEST(ListenUriTest, ParsesBindAddresses) {
  EXPECT_EQ(*listenUriFor(":8080"), "http://0.0.0.0:8080");
  EXPECT_EQ(*listenUriFor("127.0.0.1:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(*listenUriFor("0"), "");
  EXPECT_EQ(*listenUriFor(""), "");
  EXPECT_FALSE(listenUriFor("8080x").isOk());
  EXPECT_FALSE(listenUriFor(":http").isOk());
  EXPECT_FALSE(listenUriFor(":70000").isOk());
}

TEST(HealthServerTest, ServesMetricsAndProbesOnSeparatePorts) {
  Registry registry;
  registry.counter("test_requests_total", "Requests.").inc({{"code", "200"}});
  int metricsPort = freeLoopbackPort();
  int probePort = freeLoopbackPort();
  ASSERT_NE(metricsPort, probePort);
  HealthServer server(addresses("127.0.0.1:" + std::to_string(metricsPort),
                                "127.0.0.1:" + std::to_string(probePort), &registry));
  std::atomic<bool> synced{false};
  server.addReadinessCheck("informers-synced", [&] { return synced.load(); });
  ASSERT_TRUE(server.start().isOk());

  Got metrics = httpGet(metricsPort, "/metrics");
  EXPECT_EQ(metrics.code, 200);
  EXPECT_NE(metrics.body.find("test_requests_total{code=\"200\"} 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(httpGet(metricsPort, "/healthz").code, 404);

  Got healthz = httpGet(probePort, "/healthz");
  EXPECT_EQ(healthz.code, 200);
  EXPECT_EQ(healthz.body, "ok");
  Got notReady = httpGet(probePort, "/readyz");
  EXPECT_EQ(notReady.code, 500);
  EXPECT_NE(notReady.body.find("informers-synced"), std::string::npos);
  synced = true;
  EXPECT_EQ(httpGet(probePort, "/readyz").code, 200);
  EXPECT_EQ(httpGet(probePort, "/metrics").code, 404);
  server.stop();
}

TEST(HealthServerTest, OneAddressServesEverything) {
  Registry registry;
  registry.gauge("g", "G.").set(1);
  int port = freeLoopbackPort();
  std::string addr = "127.0.0.1:" + std::to_string(port);
  HealthServer server(addresses(addr, addr, &registry));
  ASSERT_TRUE(server.start().isOk());
  EXPECT_EQ(httpGet(port, "/metrics").code, 200);
  EXPECT_EQ(httpGet(port, "/healthz").code, 200);
  EXPECT_EQ(httpGet(port, "/readyz").code, 200);
}

TEST(HealthServerTest, MetricsDisabledWithZero) {
  HealthServer server(addresses("0", "0", nullptr));
  EXPECT_TRUE(server.start().isOk());
  EXPECT_EQ(server.handle("/metrics", false, true).code, 404);
}

TEST(HealthServerTest, FailingHealthCheckGives500) {
  HealthServer server(addresses("0", "0", nullptr));
  server.addHealthCheck("leader-renewal", [] { return false; });
  auto r = server.handle("/healthz", false, true);
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(r.body, "[-]leader-renewal failed\n");
}

// A header over the cap never reaches cpprestsdk's unbounded buffer: the
// guard in front answers 431 on both ports, and a normal GET still works.
TEST(HealthServerTest, OversizedHeadersAreRefusedOnBothPorts) {
  HealthServerOptions o;
  o.metricsBindAddress = "127.0.0.1:0";
  o.healthProbeBindAddress = "127.0.0.1:0";
  o.limits.maxHeadBytes = 2048;
  Registry registry;
  o.refusedRequests = &registry.counter("refused_total", "Refused.");
  HealthServer server(o);
  ASSERT_TRUE(server.start().isOk());
  ASSERT_GT(server.metricsPort(), 0);
  ASSERT_GT(server.probePort(), 0);
  ASSERT_NE(server.metricsPort(), server.probePort());
  const std::string huge = "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n";
  for (uint16_t port : {server.metricsPort(), server.probePort()}) {
    EXPECT_EQ(testsupport::statusCodeOf(testsupport::rawExchange(port, huge).response), 431);
  }
  auto ok = testsupport::rawExchange(server.probePort(), "GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(testsupport::statusCodeOf(ok.response), 200) << ok.response;
  EXPECT_EQ(testsupport::bodyOf(ok.response), "ok");
  EXPECT_EQ(o.refusedRequests->value({{"listener", "metrics"}, {"reason", "header_too_large"}}), 1);
  EXPECT_EQ(o.refusedRequests->value({{"listener", "probes"}, {"reason", "header_too_large"}}), 1);
}

class SecureMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.gauge("secure_gauge", "G.").set(7);
    HealthServerOptions o;
    o.metricsBindAddress = "127.0.0.1:0";
    o.healthProbeBindAddress = "127.0.0.1:0";
    o.registry = &registry_;
    o.metricsSecure = true;
    auto tls = ServerTls::selfSigned({"localhost", "127.0.0.1"});
    ASSERT_TRUE(tls.isOk());
    o.metricsTls = *tls;
    o.metricsAuthorizer = std::make_shared<MetricsAuthorizer>(client_);
    server_ = std::make_unique<HealthServer>(o);
    ASSERT_TRUE(server_->start().isOk());
  }
  std::string get(const std::string& path, const std::string& token, bool tls = true) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    return testsupport::rawExchange(server_->metricsPort(), request + "\r\n", tls).response;
  }
  void reviewsSay(bool authenticated, bool allowed) {
    using nlohmann::json;
    json tokenStatus = {{"authenticated", authenticated}};
    if (authenticated) tokenStatus["user"] = {{"username", "system:serviceaccount:m:p"}};
    EXPECT_CALL(*client_, create(::testing::Field(&kube::Resource::plural, "tokenreviews"), "",
                                 ::testing::_, ::testing::_))
        .WillOnce(::testing::Return(json{{"status", tokenStatus}}));
    if (!authenticated) return;
    EXPECT_CALL(*client_, create(::testing::Field(&kube::Resource::plural, "subjectaccessreviews"),
                                 "", ::testing::_, ::testing::_))
        .WillOnce(::testing::Return(json{{"status", {{"allowed", allowed}}}}));
  }

  Registry registry_;
  std::shared_ptr<::testing::StrictMock<kube::MockKubeClient>> client_ =
      std::make_shared<::testing::StrictMock<kube::MockKubeClient>>();
  std::unique_ptr<HealthServer> server_;
};

TEST_F(SecureMetricsTest, NoTokenIs401) {
  std::string r = get("/metrics", "");
  EXPECT_EQ(testsupport::statusCodeOf(r), 401) << r;
  EXPECT_NE(r.find("WWW-Authenticate: Bearer"), std::string::npos) << r;
  EXPECT_EQ(r.find("secure_gauge"), std::string::npos);
}

TEST_F(SecureMetricsTest, ARejectedTokenIs401) {
  reviewsSay(false, false);
  EXPECT_EQ(testsupport::statusCodeOf(get("/metrics", "nope")), 401);
}

TEST_F(SecureMetricsTest, AUserWithoutTheRightIs403) {
  reviewsSay(true, false);
  std::string r = get("/metrics", "stranger");
  EXPECT_EQ(testsupport::statusCodeOf(r), 403) << r;
  EXPECT_EQ(r.find("secure_gauge"), std::string::npos);
}

TEST_F(SecureMetricsTest, AnAllowedUserReadsTheMetrics) {
  reviewsSay(true, true);
  std::string r = get("/metrics", "reader");
  EXPECT_EQ(testsupport::statusCodeOf(r), 200) << r;
  EXPECT_NE(r.find("secure_gauge 7"), std::string::npos) << r;
}

TEST_F(SecureMetricsTest, PlainHttpToTheMetricsPortGetsNothing) {
  EXPECT_EQ(testsupport::statusCodeOf(get("/metrics", "", false)), 0);
}

TEST_F(SecureMetricsTest, ProbesStayPlainAndUnauthenticated) {
  auto r = testsupport::rawExchange(server_->probePort(), "GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(testsupport::statusCodeOf(r.response), 200) << r.response;
}

TEST(HealthServerTest, SecureMetricsNeedAnAddressOfTheirOwn) {
  HealthServerOptions o;
  o.metricsBindAddress = o.healthProbeBindAddress =
      "127.0.0.1:" + std::to_string(freeLoopbackPort());
  o.metricsSecure = true;
  o.metricsAuthorizer = std::make_shared<MetricsAuthorizer>(nullptr);
  HealthServer server(o);
  auto s = server.start();
  EXPECT_EQ(s.code(), kube::Code::kInvalidArgument);
}

TEST(HealthServerTest, SecureMetricsWithAMissingCertDirFailToStart) {
  HealthServerOptions o;
  o.metricsBindAddress = "127.0.0.1:0";
  o.healthProbeBindAddress = "0";
  o.metricsSecure = true;
  o.metricsCertDir = "/nonexistent/certs";
  o.metricsAuthorizer = std::make_shared<MetricsAuthorizer>(nullptr);
  HealthServer server(o);
  EXPECT_FALSE(server.start().isOk());
}

}  // namespace
}  // namespace ctrl::manager
