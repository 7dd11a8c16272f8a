// CpprestKubeClient against a scripted loopback HTTP server, for the faults a
// real API server does not produce on demand: 5xx/429 sequences, Retry-After,
// a watch that goes silent, a token rotated under a 401.
#include "controller/kube/cpprest_kube_client.h"

#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <future>
#include <mutex>

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
namespace http = web::http;

struct Recorded {
  std::string method;
  std::string pathAndQuery;
  std::string authorization;
  std::string contentType;
  std::string body;
};

struct Reply {
  int code = 200;
  std::string body = "{}";
  std::string retryAfter;
  bool stallBody = false;  // send headers, then never any byte
};

Reply reply(int code, std::string body, std::string retryAfter = "") {
  Reply r;
  r.code = code;
  r.body = std::move(body);
  r.retryAfter = std::move(retryAfter);
  return r;
}

class ScriptedServer {
 public:
  ScriptedServer() {
    for (int port = 20000 + (getpid() % 20000);; ++port) {
      url_ = "http://127.0.0.1:" + std::to_string(port);
      listener_ = std::make_unique<web::http::experimental::listener::http_listener>(url_);
      listener_->support([this](http::http_request req) { handle(req); });
      try {
        listener_->open().wait();
        break;
      } catch (const std::exception&) {
        listener_.reset();
      }
    }
  }
  ~ScriptedServer() {
    for (auto& s : stalled_) s.close().wait();
    listener_->close().wait();
  }

  void enqueue(Reply r) {
    std::lock_guard<std::mutex> lock(mu_);
    replies_.push_back(std::move(r));
  }
  std::vector<Recorded> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  const std::string& url() const { return url_; }

 private:
  void handle(http::http_request req) {
    Recorded rec;
    rec.method = req.method();
    rec.pathAndQuery = req.request_uri().to_string();
    if (req.headers().has("Authorization")) rec.authorization = req.headers()["Authorization"];
    if (req.headers().has("Content-Type")) rec.contentType = req.headers()["Content-Type"];
    rec.body = req.extract_utf8string(true).get();
    Reply planned;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(rec);
      if (!replies_.empty()) {
        planned = replies_.front();
        replies_.pop_front();
      }
    }
    http::http_response resp(static_cast<http::status_code>(planned.code));
    if (!planned.retryAfter.empty()) resp.headers().add("Retry-After", planned.retryAfter);
    if (planned.stallBody) {
      concurrency::streams::producer_consumer_buffer<uint8_t> buf;
      {
        std::lock_guard<std::mutex> lock(mu_);
        stalled_.push_back(buf);
      }
      resp.set_body(buf.create_istream(), "application/json");
    } else {
      resp.set_body(planned.body, "application/json");
    }
    req.reply(resp).wait();
  }

  std::string url_;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
  std::mutex mu_;
  std::deque<Reply> replies_;
  std::vector<Recorded> requests_;
  std::vector<concurrency::streams::producer_consumer_buffer<uint8_t>> stalled_;
};

const char kServiceUnavailable[] =
    R"({"kind":"Status","status":"Failure","message":"etcd is unhappy","reason":"ServiceUnavailable","code":503})";
const char kTooMany[] =
    R"({"kind":"Status","status":"Failure","message":"Too many requests","reason":"TooManyRequests","code":429})";

class CpprestKubeClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<CpprestKubeClient> makeClient(ClientConfig cfg = {}) {
    cfg.server = server_.url();
    KubeClientOptions o;
    o.qps = 0;
    o.maxRetries = 3;
    o.retryBackoff.initial = 1ms;
    o.retryBackoff.max = 5ms;
    o.requestTimeout = 10s;
    o.watchReadGrace = 1s;
    o.onRequest = [this](const std::string& verb, int code) {
      std::lock_guard<std::mutex> lock(mu_);
      metrics_.push_back(verb + " " + std::to_string(code));
    };
    auto c = CpprestKubeClient::create(cfg, o);
    EXPECT_TRUE(c.isOk()) << c.status().toString();
    return c.value();
  }
  std::vector<std::string> metrics() {
    std::lock_guard<std::mutex> lock(mu_);
    return metrics_;
  }

  ScriptedServer server_;
  std::mutex mu_;
  std::vector<std::string> metrics_;
};

TEST_F(CpprestKubeClientTest, GetRetriesServerErrorsThenSucceeds) {
  server_.enqueue(reply(503, kServiceUnavailable));
  server_.enqueue(reply(503, kServiceUnavailable));
  server_.enqueue(reply(200, R"({"metadata":{"name":"x"}})"));
  auto c = makeClient();
  auto r = c->get(resources::kConfigMaps, "ns", "x");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->at("metadata")["name"], "x");
  EXPECT_EQ(server_.requests().size(), 3u);
  EXPECT_EQ(metrics(), (std::vector<std::string>{"GET 503", "GET 503", "GET 200"}));
}

TEST_F(CpprestKubeClientTest, GetGivesUpAfterMaxRetries) {
  for (int i = 0; i < 10; ++i) server_.enqueue(reply(503, kServiceUnavailable));
  auto c = makeClient();
  auto r = c->list(resources::kConfigMaps, "ns");
  EXPECT_EQ(r.status().code(), Code::kServerError);
  EXPECT_EQ(r.status().message(), "etcd is unhappy");
  EXPECT_EQ(server_.requests().size(), 4u);  // 1 + maxRetries
}

TEST_F(CpprestKubeClientTest, WritesAreNotRetriedOnServerErrors) {
  server_.enqueue(
      reply(500, R"({"kind":"Status","message":"boom","reason":"InternalError","code":500})"));
  auto c = makeClient();
  auto r = c->create(resources::kConfigMaps, "ns", {{"metadata", {{"name", "x"}}}});
  EXPECT_EQ(r.status().code(), Code::kServerError);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CpprestKubeClientTest, WritesAreRetriedOn429HonouringRetryAfter) {
  server_.enqueue(reply(429, kTooMany, "1"));
  server_.enqueue(reply(201, R"({"metadata":{"name":"x"}})"));
  auto c = makeClient();
  auto start = std::chrono::steady_clock::now();
  auto r = c->create(resources::kConfigMaps, "ns", {{"metadata", {{"name", "x"}}}}, "mgr");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);  // Retry-After beats the 1ms backoff
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].pathAndQuery, "/api/v1/namespaces/ns/configmaps?fieldManager=mgr");
}

TEST_F(CpprestKubeClientTest, ConnectionRefusedIsUnavailable) {
  ClientConfig cfg;
  KubeClientOptions o;
  o.maxRetries = 1;
  o.retryBackoff.initial = 1ms;
  cfg.server = "http://127.0.0.1:1";  // nothing listens on port 1
  auto c = CpprestKubeClient::create(cfg, o);
  ASSERT_TRUE(c.isOk());
  auto r = c.value()->get(resources::kConfigMaps, "ns", "x");
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().toString();
}

TEST_F(CpprestKubeClientTest, RequestShapes) {
  for (int i = 0; i < 4; ++i) server_.enqueue(reply(200, "{}"));
  ClientConfig cfg;
  cfg.bearerToken = "tok-123";
  auto c = makeClient(cfg);
  ListOptions lo;
  lo.labelSelector = "app in (a,b)";
  ASSERT_TRUE(c->list(resources::kDeployments, "ns", lo).isOk());
  PatchOptions po;
  po.fieldManager = "op";
  po.force = true;
  ASSERT_TRUE(
      c->patch(resources::kDeployments, "ns", "d", PatchType::kApply, {{"a", 1}}, po).isOk());
  UpdateOptions uo;
  uo.subresource = "status";
  ASSERT_TRUE(c->update(resources::kDeployments, "",
                        {{"metadata", {{"name", "d"}, {"namespace", "ns"}}}}, uo)
                  .isOk());
  DeleteOptions d;
  d.propagationPolicy = "Foreground";
  ASSERT_TRUE(c->remove(resources::kDeployments, "ns", "d", d).isOk());

  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].pathAndQuery,
            "/apis/apps/v1/namespaces/ns/deployments?labelSelector=app%20in%20%28a%2Cb%29");
  EXPECT_EQ(reqs[0].authorization, "Bearer tok-123");
  EXPECT_EQ(reqs[1].method, "PATCH");
  EXPECT_EQ(reqs[1].pathAndQuery,
            "/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=op&force=true");
  EXPECT_EQ(reqs[1].contentType, "application/apply-patch+yaml");
  EXPECT_EQ(reqs[1].body, R"({"a":1})");
  EXPECT_EQ(reqs[2].method, "PUT");
  EXPECT_EQ(reqs[2].pathAndQuery, "/apis/apps/v1/namespaces/ns/deployments/d/status");
  EXPECT_EQ(reqs[3].method, "DELETE");
  EXPECT_EQ(nlohmann::json::parse(reqs[3].body)["propagationPolicy"], "Foreground");
}

TEST_F(CpprestKubeClientTest, RotatedTokenFileIsReReadAfter401) {
  char tmpl[] = "/tmp/cpprest_client_token_XXXXXX";
  int fd = mkstemp(tmpl);
  ::close(fd);
  std::string path = tmpl;
  std::ofstream(path) << "old-token";
  ClientConfig cfg;
  cfg.tokenFile = path;
  auto c = makeClient(cfg);
  server_.enqueue(reply(200, "{}"));
  ASSERT_TRUE(c->get(resources::kConfigMaps, "ns", "x").isOk());
  std::ofstream(path, std::ios::trunc) << "new-token";
  server_.enqueue(reply(
      401, R"({"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401})"));
  server_.enqueue(reply(200, "{}"));
  ASSERT_TRUE(c->get(resources::kConfigMaps, "ns", "x").isOk());
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].authorization, "Bearer old-token");
  EXPECT_EQ(reqs[1].authorization, "Bearer old-token");
  EXPECT_EQ(reqs[2].authorization, "Bearer new-token");
  ::unlink(path.c_str());
}

TEST_F(CpprestKubeClientTest, SilentWatchTimesOutInsteadOfStalling) {
  Reply stalled;
  stalled.stallBody = true;
  server_.enqueue(stalled);
  auto c = makeClient();
  WatchOptions wo;
  wo.timeoutSeconds = 1;  // read deadline: 1s + 1s grace
  auto w = c->watch(resources::kConfigMaps, "ns", wo);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  auto next = std::async(std::launch::async, [&] { return w.value()->next(); });
  ASSERT_EQ(next.wait_for(30s), std::future_status::ready);
  auto r = next.get();
  EXPECT_EQ(r.status().code(), Code::kTimeout) << r.status().toString();
  EXPECT_EQ(server_.requests()[0].pathAndQuery,
            "/api/v1/namespaces/ns/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=1");
}

// With bookmarks the server speaks about every minute: silence for
// watchBookmarkSilence is a dead connection, long before timeoutSeconds.
TEST_F(CpprestKubeClientTest, ASilentWatchWithBookmarksIsDeadAfterTheBookmarkSilence) {
  Reply stalled;
  stalled.stallBody = true;
  server_.enqueue(stalled);
  ClientConfig cfg;
  cfg.server = server_.url();
  KubeClientOptions o;
  o.qps = 0;
  o.watchBookmarkSilence = 1s;
  auto c = CpprestKubeClient::create(cfg, o);
  ASSERT_TRUE(c.isOk()) << c.status().toString();
  WatchOptions wo;
  wo.timeoutSeconds = 600;  // the server's end of the watch: far away
  const auto started = std::chrono::steady_clock::now();
  auto w = (*c)->watch(resources::kConfigMaps, "ns", wo);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  auto next = std::async(std::launch::async, [&] { return w.value()->next(); });
  ASSERT_EQ(next.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(next.get().status().code(), Code::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
}

TEST_F(CpprestKubeClientTest, WatchConnectErrorsMapToStatus) {
  server_.enqueue(reply(
      410,
      R"j({"kind":"Status","message":"too old resource version: 1 (9)","reason":"Expired","code":410})j"));
  auto c = makeClient();
  auto w = c->watch(resources::kConfigMaps, "ns", {});
  EXPECT_EQ(w.status().code(), Code::kGone) << w.status().toString();
  EXPECT_EQ(metrics(), (std::vector<std::string>{"WATCH 410"}));
}

TEST_F(CpprestKubeClientTest, WatchParsesEventsAndEndsCleanly) {
  server_.enqueue(
      reply(200,
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"
            "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"7\"}}}\n"
            "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"));
  auto c = makeClient();
  auto w = c->watch(resources::kConfigMaps, "ns", {});
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  std::vector<WatchEvent::Type> types;
  while (true) {
    auto ev = w.value()->next();
    ASSERT_TRUE(ev.isOk()) << ev.status().toString();
    if (!ev.value()) break;
    types.push_back(ev.value()->type);
  }
  EXPECT_EQ(types,
            (std::vector<WatchEvent::Type>{WatchEvent::Type::kAdded, WatchEvent::Type::kBookmark,
                                           WatchEvent::Type::kDeleted}));
}

TEST(CpprestKubeClientCreateTest, RejectsBadTlsMaterialWithoutEchoingIt) {
  ClientConfig cfg;
  cfg.server = "https://127.0.0.1:6443";
  cfg.source = "kubeconfig /x";
  cfg.caData = "not a certificate SECRETISH";
  auto c = CpprestKubeClient::create(cfg);
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(c.status().message().find("SECRETISH"), std::string::npos);
  cfg.caData.clear();
  cfg.clientCertData = "x";
  EXPECT_EQ(CpprestKubeClient::create(cfg).status().code(), Code::kInvalidArgument);
  cfg.clientCertData.clear();
  cfg.server.clear();
  EXPECT_EQ(CpprestKubeClient::create(cfg).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace ctrl::kube
