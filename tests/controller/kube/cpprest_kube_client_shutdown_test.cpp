// shutdown(): a process must be able to end in bounded time however the API
// server behaves — silent, or asking us to come back in a minute.
#include <cpprest/http_listener.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "controller/kube/cpprest_kube_client.h"
#include "tests/support/loopback_listener.h"

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
namespace http = web::http;

std::shared_ptr<CpprestKubeClient> clientFor(const std::string& server) {
  ClientConfig cfg;
  cfg.server = server;
  KubeClientOptions o;
  o.qps = 0;
  o.requestTimeout = 120s;  // far beyond what any assertion below waits
  o.maxRetries = 5;
  auto c = CpprestKubeClient::create(cfg, o);
  EXPECT_TRUE(c.isOk()) << c.status().toString();
  return c.value();
}

// Answers every request with 503 and Retry-After: 60 (the longest we honour).
class ComeBackLaterServer {
 public:
  ComeBackLaterServer() {
    for (int port = 30000 + (getpid() % 20000);; ++port) {
      url_ = "http://127.0.0.1:" + std::to_string(port);
      listener_ = std::make_unique<http::experimental::listener::http_listener>(url_);
      listener_->support([this](http::http_request req) {
        ++requests_;
        http::http_response resp(http::status_codes::ServiceUnavailable);
        resp.headers().add("Retry-After", "60");
        resp.set_body(std::string(R"({"kind":"Status","code":503,"reason":"ServiceUnavailable"})"),
                      "application/json");
        req.reply(resp).wait();
      });
      try {
        listener_->open().wait();
        break;
      } catch (const std::exception&) {
        listener_.reset();
      }
    }
  }
  ~ComeBackLaterServer() { listener_->close().wait(); }
  const std::string& url() const { return url_; }
  int requests() const { return requests_; }

 private:
  std::string url_;
  std::unique_ptr<http::experimental::listener::http_listener> listener_;
  std::atomic<int> requests_{0};
};

TEST(CpprestKubeClientShutdownTest, EndsARequestTheServerNeverAnswers) {
  testsupport::LoopbackListener silent;
  auto c = clientFor("http://127.0.0.1:" + std::to_string(silent.port()));
  auto pending = std::async(std::launch::async,
                            [&] { return c->get(resources::kConfigMaps, "ns", "x").status(); });
  ASSERT_EQ(pending.wait_for(500ms), std::future_status::timeout);  // really waiting
  c->shutdown();
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pending.get().code(), Code::kCancelled);
}

TEST(CpprestKubeClientShutdownTest, EndsARetrySleep) {
  ComeBackLaterServer server;
  auto c = clientFor(server.url());
  auto pending = std::async(std::launch::async,
                            [&] { return c->list(resources::kConfigMaps, "ns").status(); });
  // The first 503 arrived; the client now sleeps its 60 s Retry-After.
  for (int i = 0; i < 100 && server.requests() == 0; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(server.requests(), 1);
  ASSERT_EQ(pending.wait_for(300ms), std::future_status::timeout);
  c->shutdown();
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pending.get().code(), Code::kCancelled);
  EXPECT_EQ(server.requests(), 1);  // no retry after the shutdown
}

TEST(CpprestKubeClientShutdownTest, EndsAWatchWaitingForItsHeaders) {
  testsupport::LoopbackListener silent;
  auto c = clientFor("http://127.0.0.1:" + std::to_string(silent.port()));
  auto pending = std::async(std::launch::async,
                            [&] { return c->watch(resources::kConfigMaps, "ns").status(); });
  ASSERT_EQ(pending.wait_for(500ms), std::future_status::timeout);
  c->shutdown();
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pending.get().code(), Code::kCancelled);
}

TEST(CpprestKubeClientShutdownTest, LaterRequestsAreRefusedWithoutBeingSent) {
  ComeBackLaterServer server;
  auto c = clientFor(server.url());
  c->shutdown();
  EXPECT_EQ(c->get(resources::kConfigMaps, "ns", "x").status().code(), Code::kCancelled);
  EXPECT_EQ(
      c->create(resources::kConfigMaps, "ns", {{"metadata", {{"name", "x"}}}}).status().code(),
      Code::kCancelled);
  EXPECT_EQ(c->watch(resources::kConfigMaps, "ns").status().code(), Code::kCancelled);
  EXPECT_EQ(server.requests(), 0);
}

}  // namespace
}  // namespace ctrl::kube
