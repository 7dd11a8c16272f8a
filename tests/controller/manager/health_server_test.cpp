#include "controller/manager/health_server.h"

#include <arpa/inet.h>
#include <cpprest/http_client.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

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
  HealthServer server({"127.0.0.1:" + std::to_string(metricsPort),
                       "127.0.0.1:" + std::to_string(probePort), &registry});
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
  HealthServer server({addr, addr, &registry});
  ASSERT_TRUE(server.start().isOk());
  EXPECT_EQ(httpGet(port, "/metrics").code, 200);
  EXPECT_EQ(httpGet(port, "/healthz").code, 200);
  EXPECT_EQ(httpGet(port, "/readyz").code, 200);
}

TEST(HealthServerTest, MetricsDisabledWithZero) {
  HealthServer server({"0", "0", nullptr});
  EXPECT_TRUE(server.start().isOk());
  EXPECT_EQ(server.handle("/metrics", false, true).code, 404);
}

TEST(HealthServerTest, FailingHealthCheckGives500) {
  HealthServer server({"0", "0", nullptr});
  server.addHealthCheck("leader-renewal", [] { return false; });
  auto r = server.handle("/healthz", false, true);
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(r.body, "[-]leader-renewal failed\n");
}

}  // namespace
}  // namespace ctrl::manager
