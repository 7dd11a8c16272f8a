#pragma once
// The e2e fixture with a fault proxy (tests/support/fault_proxy.h) between
// the operator and kube-apiserver, and what fault tests need besides: a
// second replica talking to the API server directly, and the times of log
// lines (both replicas log on this host's clock, so they compare).
#include <ctime>
#include <optional>
#include <regex>

#include "tests/e2e/operator_e2e_fixture.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/free_loopback_port.h"

namespace e2e {

class ProxiedOperatorTest : public OperatorE2ETest {
 protected:
  void routeApiServer(nlohmann::json& cluster) override {
    const std::string server = cluster.value("server", "");
    const size_t scheme = server.find("://");
    if (scheme == std::string::npos) return;
    proxy_ = std::make_unique<testsupport::FaultProxy>(server.substr(scheme + 3));
    cluster["server"] =
        server.substr(0, scheme + 3) + "127.0.0.1:" + std::to_string(proxy_->port());
  }
  void TearDown() override {
    if (proxy_) proxy_->resume();
    if (replica_) replica_->stop(kGrace);
    if (!replica_log_path_.empty() && replica_log_path_ != log_path_) {
      earlier_logs_.push_back(replica_log_path_);
    }
    OperatorE2ETest::TearDown();
    // It holds a token; the log stays for reading.
    if (!replica_kubeconfig_.empty()) std::filesystem::remove(replica_kubeconfig_);
  }

  // A second replica with its own kubeconfig straight to the API server; its
  // log at replicaLogPath(). Started as a follower of the proxied one.
  void startDirectReplica() {
    const std::string dir = std::string(E2E_ARTIFACT_DIR) + "/" + ns();
    const std::string kubeconfig = dir + "/replica.kubeconfig";
    ASSERT_TRUE(testsupport::writeServiceAccountKubeconfig(kOperatorNamespace,
                                                           kOperatorServiceAccount, kubeconfig));
    replica_kubeconfig_ = kubeconfig;
    // Its credential must stay out of the logs too (TearDown looks).
    const auto parsed = nlohmann::json::parse(readFile(kubeconfig), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded());
    tokens_.push_back(parsed["users"][0]["user"].value("token", ""));
    replica_log_path_ = dir + "/replica.log";
    replica_ = std::make_unique<testsupport::OperatorProcess>(
        OPERATOR_BINARY,
        operatorArgs(kubeconfig, testsupport::freeLoopbackPort(), testsupport::freeLoopbackPort()),
        replica_log_path_);
    std::string error;
    ASSERT_TRUE(replica_->start(&error)) << error;
  }

  // The replica takes over as the fixture's operator (TearDown stops it
  // cleanly and checks the Lease is handed back); the old one must be gone.
  void promoteReplica() {
    operator_ = std::move(replica_);
    earlier_logs_.push_back(log_path_);
    log_path_ = replica_log_path_;
  }

  // The "identity" of the operator that logged "acquired leader lease" in `log`.
  static std::string leaderIdentity(const std::string& log) {
    std::smatch m;
    std::regex line(R"re("msg":"acquired leader lease","identity":"([^"]+)")re");
    return std::regex_search(log, m, line) ? m[1].str() : "";
  }

  // When the first line of `log` holding `text` was written (ms since the epoch).
  static std::optional<int64_t> loggedAt(const std::string& log, const std::string& text) {
    const size_t at = log.find(text);
    if (at == std::string::npos) return std::nullopt;
    const size_t start = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
    std::smatch m;
    const std::string line = log.substr(start, at - start);
    if (!std::regex_search(line, m,
                           std::regex(R"("ts":"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z")"))) {
      return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    return static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoi(m[7]);
  }

  std::unique_ptr<testsupport::FaultProxy> proxy_;
  std::unique_ptr<testsupport::OperatorProcess> replica_;
  std::string replica_log_path_;
  std::string replica_kubeconfig_;
};

}  // namespace e2e
