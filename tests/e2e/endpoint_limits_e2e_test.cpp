// Issue 10: one client must not grow the operator's memory without bound.
// The built operator binary (shipped flags: --metrics-secure, so the metrics
// port is TLS and the probe port plain) is sent a 300 MB request header on
// both ports, streamed, while its RSS is sampled from /proc/<pid>/status;
// before the connection guard, cpprestsdk buffered the whole header and RSS
// went past the Deployment's 256 MiB limit.
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "tests/e2e/operator_e2e_fixture.h"
#include "tests/support/raw_http.h"

namespace {

using namespace e2e;

constexpr uint64_t kHugeHeaderBytes = 300ull << 20;
// Over the baseline: the guard's caps (64 connections × (16 KiB head + 16 KiB
// relay buffer + TLS state + a thread stack's touched pages)) fit well inside.
constexpr double kAllowedGrowthMiB = 32;

double rssMiB(pid_t pid, const std::string& field = "VmRSS:") {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(field.size())) / 1024.0;
  }
  return -1;
}

// Samples VmRSS every 20 ms while alive; the highest seen.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            double now = rssMiB(pid);
            if (now > peak_) peak_ = now;
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~RssSampler() { stopAndJoin(); }
  double stopAndJoin() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<double> peak_{0};
  std::thread thread_;
};

class EndpointLimitsE2ETest : public OperatorE2ETest {
 protected:
  std::vector<std::string> extraArgs() const override { return {"--metrics-secure"}; }
};

TEST_F(EndpointLimitsE2ETest, A300MBHeaderLeavesRssWithinItsBound) {
  const pid_t pid = operator_->pid();
  // Settle: caches synced, Lease taken (SetUp waited for both).
  std::this_thread::sleep_for(2s);
  const double baseline = rssMiB(pid);
  ASSERT_GT(baseline, 0);
  RssSampler sampler(pid);

  struct Target {
    const char* name;
    int port;
    bool tls;
    const char* path;
  };
  for (const Target& t : {Target{"metrics (TLS)", metrics_port_, true, "/metrics"},
                          Target{"probes", health_port_, false, "/healthz"}}) {
    auto r = testsupport::streamHugeHeader(static_cast<uint16_t>(t.port), t.path, kHugeHeaderBytes,
                                           t.tls);
    ASSERT_TRUE(r.connected) << t.name;
    EXPECT_TRUE(r.closedByPeer) << t.name << ": the operator read a 300 MB header to its end";
    EXPECT_LT(r.bytesSent, 16ull << 20) << t.name;
    const int code = testsupport::statusCodeOf(r.response);
    EXPECT_TRUE(code == 431 || code == 0) << t.name << ": " << r.response.substr(0, 200);
    std::cout << "[ RSS      ] " << t.name << ": stopped reading after " << r.bytesSent
              << " bytes of " << kHugeHeaderBytes << ", answer " << code << std::endl;
  }
  // And many at once: more than the connection cap, each trying 300 MB.
  std::vector<std::thread> clients;
  std::atomic<int> cut{0};
  for (int i = 0; i < 80; ++i) {
    clients.emplace_back([&, i] {
      const bool metrics = i % 2 == 0;
      auto r = testsupport::streamHugeHeader(
          static_cast<uint16_t>(metrics ? metrics_port_ : health_port_),
          metrics ? "/metrics" : "/healthz", kHugeHeaderBytes, metrics);
      if (!r.connected || r.closedByPeer) ++cut;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(cut.load(), 80) << "some 300 MB header was read to its end";

  const double peak = sampler.stopAndJoin();
  const double hwm = rssMiB(pid, "VmHWM:");
  std::cout << "[ RSS      ] baseline " << baseline << " MiB, peak sampled " << peak
            << " MiB, VmHWM " << hwm << " MiB, after " << rssMiB(pid) << " MiB (bound: +"
            << kAllowedGrowthMiB << " MiB; container limit 256 MiB)" << std::endl;
  RecordProperty("rss_baseline_mib", std::to_string(baseline));
  RecordProperty("rss_peak_mib", std::to_string(peak));
  RecordProperty("vm_hwm_mib", std::to_string(hwm));
  EXPECT_LT(peak, baseline + kAllowedGrowthMiB);
  EXPECT_LT(hwm, baseline + kAllowedGrowthMiB);

  // Still serving.
  EXPECT_TRUE(testsupport::httpGet(health_port_, "/healthz").has_value());
  EXPECT_TRUE(operator_->running());
}

TEST_F(EndpointLimitsE2ETest, MetricsAreHttpsOnlyAndNeedAToken) {
  auto plain = testsupport::rawExchange(static_cast<uint16_t>(metrics_port_),
                                        "GET /metrics HTTP/1.1\r\n\r\n", false, 5s);
  EXPECT_EQ(testsupport::statusCodeOf(plain.response), 0) << plain.response;
  auto anonymous = testsupport::rawExchange(static_cast<uint16_t>(metrics_port_),
                                            "GET /metrics HTTP/1.1\r\n\r\n", true);
  EXPECT_EQ(testsupport::statusCodeOf(anonymous.response), 401) << anonymous.response;
  // The operator's own ServiceAccount (its kubeconfig's token) is not a metrics reader.
  const auto kubeconfig = nlohmann::json::parse(readFile(kubeconfig_));
  const std::string token = kubeconfig["users"][0]["user"].value("token", "");
  ASSERT_FALSE(token.empty());
  auto self = testsupport::rawExchange(
      static_cast<uint16_t>(metrics_port_),
      "GET /metrics HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\n\r\n", true);
  EXPECT_EQ(testsupport::statusCodeOf(self.response), 403) << self.response;
}

// Each /metrics request with a token not seen before costs a TokenReview,
// and the handler waits for it on a thread of cpprestsdk's pool, the pool
// that also completes the API client's requests. Without a cap, requests
// arriving together could hold every pool thread waiting on reviews no free
// thread was left to complete, and the whole operator stalled.
TEST_F(EndpointLimitsE2ETest, FreshTokensArrivingTogetherAreAnsweredAndStallNothing) {
  constexpr int kClients = 60;  // under the guard's 64 connections: all reach the listener
  std::mutex mu;
  std::map<int, int> codes;  // status code -> count; 0: no answer
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto r =
          testsupport::rawExchange(static_cast<uint16_t>(metrics_port_),
                                   "GET /metrics HTTP/1.1\r\nAuthorization: Bearer never-issued-" +
                                       std::to_string(i) + "\r\n\r\n",
                                   true, 30s);
      std::lock_guard<std::mutex> lock(mu);
      ++codes[testsupport::statusCodeOf(r.response)];
    });
  }
  for (auto& c : clients) c.join();
  std::string seen;
  for (const auto& [code, n] : codes) seen += std::to_string(code) + "x" + std::to_string(n) + " ";
  std::cout << "[ BURST    ] " << kClients << " fresh tokens at once: " << seen << std::endl;
  EXPECT_EQ(codes[0], 0) << "unanswered: " << seen;
  EXPECT_EQ(codes[401] + codes[429], kClients) << seen;  // reviewed and refused, or told to retry
  EXPECT_GE(codes[401], 1) << seen;

  // The API client was never starved: a review right after still completes.
  auto after = testsupport::rawExchange(
      static_cast<uint16_t>(metrics_port_),
      "GET /metrics HTTP/1.1\r\nAuthorization: Bearer never-issued-after\r\n\r\n", true, 10s);
  EXPECT_EQ(testsupport::statusCodeOf(after.response), 401) << after.response;
  EXPECT_TRUE(testsupport::httpGet(health_port_, "/readyz").has_value());
  EXPECT_TRUE(operator_->running());
}

}  // namespace
