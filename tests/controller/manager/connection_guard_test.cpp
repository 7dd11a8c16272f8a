// The guard in front of a real cpprestsdk listener on loopback: what it lets
// through arrives intact, what breaks a cap is answered (or cut) by the guard
// and never reaches the listener.
#include "controller/manager/connection_guard.h"

#include <cpprest/http_listener.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/eventually.h"
#include "tests/support/free_loopback_port.h"
#include "tests/support/raw_http.h"

namespace ctrl::manager {
namespace {

using namespace std::chrono_literals;
using testsupport::bodyOf;
using testsupport::rawExchange;
using testsupport::RawHttpConnection;
using testsupport::statusCodeOf;

// A listener that answers every GET with what it received: method, path,
// the X-Probe and Connection headers — and, for /big, 1 MiB of body.
class EchoListener {
 public:
  EchoListener() {
    port_ = static_cast<uint16_t>(testsupport::freeLoopbackPort());
    listener_ = std::make_unique<web::http::experimental::listener::http_listener>(
        web::uri("http://127.0.0.1:" + std::to_string(port_)));
    listener_->support([this](web::http::http_request req) {
      ++requests_;
      const auto& h = req.headers();
      auto header = [&](const std::string& name) {
        auto it = h.find(name);
        return it == h.end() ? std::string("-") : it->second;
      };
      if (req.relative_uri().path() == "/big") {
        req.reply(200, std::string(1 << 20, 'm'), "text/plain");
        return;
      }
      req.reply(200,
                req.method() + " " + req.relative_uri().to_string() +
                    " probe=" + header("X-Probe") + " connection=" + header("Connection") +
                    " body=" + req.extract_string(true).get(),
                "text/plain");
    });
    listener_->open().wait();
  }
  ~EchoListener() { listener_->close().wait(); }
  uint16_t port() const { return port_; }
  int requests() const { return requests_; }

 private:
  uint16_t port_;
  std::atomic<int> requests_{0};
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
};

class ConnectionGuardTest : public ::testing::Test {
 protected:
  void startGuard(ConnectionGuardOptions options = {}) {
    options.onRefused = [this](const char* reason) {
      std::lock_guard<std::mutex> lock(mu_);
      refused_.push_back(reason);
    };
    options.host = "127.0.0.1";
    options.port = 0;
    options.backendPort = backend_.port();
    guard_ = std::make_unique<ConnectionGuard>(options);
    ASSERT_TRUE(guard_->start().isOk());
    ASSERT_GT(guard_->port(), 0);
  }
  uint16_t port() const { return guard_->port(); }
  std::vector<std::string> refused() {
    std::lock_guard<std::mutex> lock(mu_);
    return refused_;
  }

  EchoListener backend_;
  std::mutex mu_;
  std::vector<std::string> refused_;
  std::unique_ptr<ConnectionGuard> guard_;
};

TEST_F(ConnectionGuardTest, RelaysAGetAndItsAnswerUnchanged) {
  startGuard();
  auto r = rawExchange(port(),
                       "GET /metrics?name=a%20b HTTP/1.1\r\nHost: x\r\nX-Probe: 42\r\n"
                       "Connection: keep-alive\r\n\r\n");
  EXPECT_EQ(statusCodeOf(r.response), 200) << r.response;
  // Keep-alive is replaced by close: one request per connection.
  EXPECT_EQ(bodyOf(r.response), "GET /metrics?name=a%20b probe=42 connection=close body=");
  EXPECT_EQ(backend_.requests(), 1);
}

TEST_F(ConnectionGuardTest, StreamsALargeAnswerThroughAFixedBuffer) {
  startGuard();
  auto r = rawExchange(port(), "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(statusCodeOf(r.response), 200);
  EXPECT_EQ(bodyOf(r.response), std::string(1 << 20, 'm'));
}

TEST_F(ConnectionGuardTest, RelaysASmallBody) {
  startGuard();
  auto r = rawExchange(port(), "GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(bodyOf(r.response), "GET /x probe=- connection=close body=hello");
}

TEST_F(ConnectionGuardTest, AHeadOverTheCapIsAnswered431AndNeverRelayed) {
  ConnectionGuardOptions o;
  o.maxHeadBytes = 1024;
  startGuard(o);
  const std::string big =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1100, 'a') + "\r\n\r\n";
  auto r = rawExchange(port(), big);
  EXPECT_EQ(statusCodeOf(r.response), 431) << r.response;
  // A head that ends just past the cap is refused too, not only an endless one.
  const std::string justOver =
      "GET / HTTP/1.1\r\nX: " + std::string(1024 - 23 + 1, 'a') + "\r\n\r\n";
  ASSERT_EQ(justOver.size(), 1025u);
  EXPECT_EQ(statusCodeOf(rawExchange(port(), justOver).response), 431);
  const std::string atCap = "GET / HTTP/1.1\r\nX: " + std::string(1024 - 23, 'a') + "\r\n\r\n";
  EXPECT_EQ(statusCodeOf(rawExchange(port(), atCap).response), 200);
  EXPECT_EQ(backend_.requests(), 1);
  EXPECT_EQ(refused(), (std::vector<std::string>{"header_too_large", "header_too_large"}));
}

TEST_F(ConnectionGuardTest, AnEndlessHeaderIsCutAfterTheCapWithoutReadingItAll) {
  startGuard();  // 16 KiB
  auto r = testsupport::streamHugeHeader(port(), "/metrics", 64ull << 20);
  EXPECT_TRUE(r.closedByPeer) << "the guard kept reading a 64 MiB header";
  EXPECT_LT(r.bytesSent, 32ull << 20) << "sent " << r.bytesSent;
  EXPECT_EQ(backend_.requests(), 0);
}

TEST_F(ConnectionGuardTest, BodiesOverTheCapAndChunkedBodiesAreRefused) {
  ConnectionGuardOptions o;
  o.maxBodyBytes = 16;
  startGuard(o);
  auto tooLarge =
      rawExchange(port(), "POST /x HTTP/1.1\r\nContent-Length: 17\r\n\r\n" + std::string(17, 'b'));
  EXPECT_EQ(statusCodeOf(tooLarge.response), 413) << tooLarge.response;
  auto chunked =
      rawExchange(port(), "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(statusCodeOf(chunked.response), 411) << chunked.response;
  EXPECT_EQ(backend_.requests(), 0);
  EXPECT_EQ(refused(), (std::vector<std::string>{"body_too_large", "chunked_body"}));
}

TEST_F(ConnectionGuardTest, MalformedHeadsAre400) {
  startGuard();
  for (const std::string head :
       {"GET /x HTTP/1.1\r\nNo colon here\r\n\r\n", "GET /x\r\n\r\n",
        "GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "GET /x HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", "GET x HTTP/1.1\r\n\r\n"}) {
    EXPECT_EQ(statusCodeOf(rawExchange(port(), head).response), 400) << head;
  }
  EXPECT_EQ(backend_.requests(), 0);
}

TEST_F(ConnectionGuardTest, AClientTooSlowToSendItsHeadIsClosed) {
  ConnectionGuardOptions o;
  o.headTimeout = 300ms;
  startGuard(o);
  RawHttpConnection idle(port(), false);
  ASSERT_TRUE(idle.connected());
  RawHttpConnection slow(port(), false);
  ASSERT_TRUE(slow.send("GET /metrics HTTP/1.1\r\n"));  // and never the rest
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.closedWithin(5s));
  EXPECT_TRUE(slow.closedWithin(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(testsupport::eventually([&] { return guard_->activeConnections() == 0; }, 5s, 10ms));
  EXPECT_EQ(backend_.requests(), 0);
  EXPECT_EQ(refused(), (std::vector<std::string>{"head_timeout", "head_timeout"}));
}

TEST_F(ConnectionGuardTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  ConnectionGuardOptions o;
  o.maxConnections = 4;
  startGuard(o);
  std::vector<std::unique_ptr<RawHttpConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawHttpConnection>(port(), false));
    ASSERT_TRUE(held.back()->connected());
  }
  ASSERT_TRUE(testsupport::eventually([&] { return guard_->activeConnections() == 4; }, 5s, 10ms));
  RawHttpConnection extra(port(), false);
  EXPECT_TRUE(extra.closedWithin(2s)) << "a fifth connection was kept";
  EXPECT_EQ(refused(), std::vector<std::string>{"connection_limit"});
  // Once one goes, a new one is served.
  held.pop_back();
  ASSERT_TRUE(testsupport::eventually([&] { return guard_->activeConnections() == 3; }, 5s, 10ms));
  auto r = rawExchange(port(), "GET /ok HTTP/1.1\r\n\r\n");
  EXPECT_EQ(statusCodeOf(r.response), 200) << r.response;
}

TEST_F(ConnectionGuardTest, StopEndsOpenConnections) {
  startGuard();
  RawHttpConnection idle(port(), false);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(testsupport::eventually([&] { return guard_->activeConnections() == 1; }, 5s, 10ms));
  const auto start = std::chrono::steady_clock::now();
  guard_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(guard_->activeConnections(), 0u);
  EXPECT_TRUE(idle.closedWithin(2s));
}

TEST_F(ConnectionGuardTest, TerminatesTls) {
  auto tls = ServerTls::selfSigned({"localhost", "127.0.0.1"});
  ASSERT_TRUE(tls.isOk()) << tls.status().toString();
  ConnectionGuardOptions o;
  o.tls = *tls;
  o.maxHeadBytes = 1024;
  startGuard(o);
  auto r = rawExchange(port(), "GET /tls HTTP/1.1\r\nX-Probe: s\r\n\r\n", true);
  EXPECT_EQ(bodyOf(r.response), "GET /tls probe=s connection=close body=");
  auto big =
      rawExchange(port(), "GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", true);
  EXPECT_EQ(statusCodeOf(big.response), 431) << big.response;
  // Plain HTTP to the TLS port is not relayed.
  auto plain = rawExchange(port(), "GET /tls HTTP/1.1\r\n\r\n", false, 3s);
  EXPECT_EQ(statusCodeOf(plain.response), 0);
  EXPECT_EQ(backend_.requests(), 1);
}

TEST_F(ConnectionGuardTest, AnswersWhenTheListenerIsGone) {
  ConnectionGuardOptions o;
  o.host = "127.0.0.1";
  o.backendPort = static_cast<uint16_t>(testsupport::freeLoopbackPort());  // nothing there
  ConnectionGuard guard(o);
  ASSERT_TRUE(guard.start().isOk());
  EXPECT_EQ(statusCodeOf(rawExchange(guard.port(), "GET / HTTP/1.1\r\n\r\n").response), 503);
}

TEST(ConnectionGuardStartTest, ATakenAddressFailsToStart) {
  ConnectionGuardOptions o;
  o.host = "127.0.0.1";
  ConnectionGuard first(o);
  ASSERT_TRUE(first.start().isOk());
  o.port = first.port();
  ConnectionGuard second(o);
  EXPECT_FALSE(second.start().isOk());
}

}  // namespace
}  // namespace ctrl::manager
