#pragma once
// Fault tests that roll out many ClusterAgents while something breaks, then
// hold the end to one standard (issue 9): every ClusterAgent converged with
// the same correct status, each of its children there exactly once, no
// orphan, and an operator that then stays quiet (no writes). The operator may
// talk to the API server through an HttpFaultProxy (a test sets
// through_proxy_ in its constructor), and may be restarted as the kubelet
// would restart its container.
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "tests/e2e/operator_e2e_fixture.h"
#include "tests/support/base64.h"
#include "tests/support/http_fault_proxy.h"
#include "tests/support/prometheus_text.h"

namespace e2e {

class RolloutFaultTest : public OperatorE2ETest {
 protected:
  // Finalizing a few hundred ClusterAgents takes the operator longer than one.
  RolloutFaultTest() { teardown_delete_timeout_ = "--timeout=300s"; }

  // The faults must land mid-rollout. Following APF, the operator rolls out
  // 200 ClusterAgents here in seconds, before the fifth restart or tenth
  // kill; the fixed 20 requests/s keeps a rollout long enough to be hit.
  std::vector<std::string> extraArgs() const override { return {"--kube-api-throttling=fixed"}; }

  void routeApiServer(nlohmann::json& cluster) override {
    if (!through_proxy_) return;
    const std::string server = cluster.value("server", "");
    const size_t scheme = server.find("://");
    ASSERT_NE(scheme, std::string::npos) << server;
    proxy_ = std::make_unique<testsupport::HttpFaultProxy>(server.substr(scheme + 3), proxy_ca_);
    cluster["server"] = "https://127.0.0.1:" + std::to_string(proxy_->port());
    // The operator trusts the proxy's CA only, as a kubeconfig CA means.
    cluster.erase("certificate-authority");
    cluster["certificate-authority-data"] = testsupport::base64Encode(proxy_ca_.certPem());
  }

  static std::string agentName(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "ca-%03d", i);
    return name;
  }

  // n ClusterAgents (ca-000, ca-001, …) with their token Secrets, created in
  // one kubectl call so the rollout starts with all of them there.
  void createClusterAgents(int n) {
    const std::string token = "fault-token-" + ns() + "-DO-NOT-LOG";
    tokens_.push_back(token);
    nlohmann::json list = {
        {"apiVersion", "v1"}, {"kind", "List"}, {"items", nlohmann::json::array()}};
    for (int i = 0; i < n; ++i) {
      const std::string name = agentName(i);
      list["items"].push_back({{"apiVersion", "v1"},
                               {"kind", "Secret"},
                               {"metadata", {{"name", name + "-token"}, {"namespace", ns()}}},
                               {"type", "Opaque"},
                               {"stringData", {{"token", token}}}});
      list["items"].push_back(
          {{"apiVersion", "argoproj.io/v1alpha1"},
           {"kind", "ClusterAgent"},
           {"metadata", {{"name", name}, {"namespace", ns()}}},
           {"spec",
            {{"serverAddr", "https://127.0.0.1:1"},
             {"clusterName", name},
             {"authTokenSecretRef", {{"name", name + "-token"}, {"key", "token"}}}}}});
    }
    CommandResult created = cp().kubectl({"create", "-f", "-"}, list.dump());
    ASSERT_TRUE(created.ok()) << created.output.substr(0, 2000);
    count_ = n;
  }

  // A condition's `field` ("status", "reason"), or "" when it is not there.
  static std::string conditionField(const nlohmann::json& ca, const std::string& type,
                                    const char* field = "status") {
    for (const auto& c : ca.value("status", nlohmann::json::object())
                             .value("conditions", nlohmann::json::array())) {
      if (c.value("type", "") == type) return c.value(field, "");
    }
    return "";
  }

  // Status written for the current generation, spec accepted, credentials in
  // place and the Deployment created (no kubelet runs these agents, so they
  // go no further). Without the last, an agent whose Deployment apply failed
  // (Forbidden from a restarted API server whose RBAC is not ready yet)
  // counts as converged while its retry still waits behind the rollout's
  // queue, and the final check sees its interim Pending status.
  static bool converged(const nlohmann::json& ca) {
    const auto& status = ca.value("status", nlohmann::json::object());
    const std::string deployment = conditionField(ca, "DeploymentAvailable", "reason");
    return status.value("observedGeneration", -1) == ca["metadata"].value("generation", -2) &&
           conditionField(ca, "SpecValid") == "True" &&
           conditionField(ca, "CredentialsReady") == "True" && !deployment.empty() &&
           deployment != "NotCreated";
  }

  int convergedCount() const {
    const nlohmann::json cas = cp().kubectlJson({"get", "clusteragents", "-n", ns()});
    int n = 0;
    for (const auto& ca : cas.value("items", nlohmann::json::array())) n += converged(ca) ? 1 : 0;
    return n;
  }

  // Seconds until every ClusterAgent converged, or -1 after `timeout`.
  double waitConverged(std::chrono::seconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    auto reported = start;
    while (std::chrono::steady_clock::now() - start < timeout) {
      restartOperatorIfItExited();
      const int n = convergedCount();
      const auto now = std::chrono::steady_clock::now();
      if (n == count_) return std::chrono::duration<double>(now - start).count();
      if (now - reported > 20s) {
        std::cerr << "  " << n << "/" << count_ << " converged" << std::endl;
        reported = now;
      }
      std::this_thread::sleep_for(2s);
    }
    return -1;
  }

  // Keeps a fault on for `d` (the caller turned it on), restarting the
  // operator if it exits, as the kubelet would.
  void sustainFault(std::chrono::seconds d) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < d) {
      std::this_thread::sleep_for(2s);
      restartOperatorIfItExited();
    }
  }

  // After a fault the operator should ride out without exiting: every
  // ClusterAgent converges within 300 s, it never exited, and then each
  // child exists exactly once and nothing is written.
  void expectRecoveredWithoutAnExit(const std::string& after) {
    const double took = waitConverged(300s);
    ASSERT_GE(took, 0) << convergedCount() << "/" << count_ << " converged";
    std::cerr << "all converged " << took << " s after " << after << "; the operator exited "
              << operator_exits_ << " times" << std::endl;
    EXPECT_EQ(operator_exits_, 0);
    expectConvergedExactlyOnceAndQuiet();
  }

  // The kubelet restarts a container that exits (restartPolicy Always): the
  // operator exits by design when it loses its Lease, e.g. to an API server
  // that was away longer than the renew deadline.
  void restartOperatorIfItExited() {
    if (!operator_ || operator_->running()) return;
    std::cerr << "  the operator exited (" << operator_->waitForExit(0s)
              << "); restarting it, as the kubelet would. Why, by its log:" << std::endl;
    // The reason lives in the exited process's log, which the next one's
    // replaces as "the" log: show it now, or a failed run cannot say.
    std::ifstream log(log_path_);
    for (std::string line; std::getline(log, line);) {
      if (line.find("\"level\":\"error\"") != std::string::npos)
        std::cerr << "    " << line << "\n";
    }
    ++operator_exits_;
    startOperator(leader_elect_);
  }

  // A new operator process in place of the current one (which must be gone),
  // with its own log. Without leader election it starts work at once: a test
  // that kills it often need not wait out a Lease each time.
  void startOperator(bool leaderElect) {
    earlier_logs_.push_back(log_path_);
    log_path_ = std::string(E2E_ARTIFACT_DIR) + "/" + ns() + "/operator-" +
                std::to_string(earlier_logs_.size()) + ".log";
    std::vector<std::string> args = operatorArgs(kubeconfig_, metrics_port_, health_port_);
    for (const auto& extra : extraArgs()) args.push_back(extra);
    if (!leaderElect) {
      args.erase(std::remove(args.begin(), args.end(), "--leader-elect"), args.end());
      args.push_back("--leader-elect=false");
    }
    leader_elect_ = leaderElect;
    operator_ = std::make_unique<testsupport::OperatorProcess>(OPERATOR_BINARY, args, log_path_);
    std::string error;
    ASSERT_TRUE(operator_->start(&error)) << error;
  }

  // The end state every rollout fault test must reach.
  void expectConvergedExactlyOnceAndQuiet() {
    const nlohmann::json cas = cp().kubectlJson({"get", "clusteragents", "-n", ns()});
    const auto& items = cas.value("items", nlohmann::json::array());
    ASSERT_EQ(static_cast<int>(items.size()), count_);
    std::set<std::string> names;
    std::map<std::string, int> outcomes;  // phase and Ready reason: alike for alike agents
    std::map<std::string, std::vector<const nlohmann::json*>> byOutcome;
    for (const auto& ca : items) {
      const std::string name = ca["metadata"].value("name", "");
      names.insert(name);
      EXPECT_TRUE(converged(ca)) << name << ": " << ca.value("status", nlohmann::json()).dump();
      const auto& status = ca.value("status", nlohmann::json::object());
      std::string ready;
      for (const auto& c : status.value("conditions", nlohmann::json::array())) {
        if (c.value("type", "") == "Ready")
          ready = c.value("status", "") + "/" + c.value("reason", "");
      }
      const std::string outcome = status.value("phase", "") + " Ready=" + ready;
      ++outcomes[outcome];
      byOutcome[outcome].push_back(&ca);
    }
    std::string seen;
    for (const auto& [outcome, n] : outcomes) seen += "\n  " + outcome + ": " + std::to_string(n);
    // The odd ones out by name, with their status and version, to find in the operator's log.
    for (const auto& [outcome, cas] : byOutcome) {
      if (outcomes.size() < 2 || cas.size() > 3) continue;
      for (const nlohmann::json* ca : cas) {
        seen += "\n  " + outcome + ": " + (*ca)["metadata"].value("name", "") +
                " at resourceVersion " + (*ca)["metadata"].value("resourceVersion", "") +
                ", status: " + ca->value("status", nlohmann::json()).dump();
      }
    }
    EXPECT_EQ(outcomes.size(), 1u) << "identical ClusterAgents ended differently:" << seen;

    // Every child by its labels: namespaced ones and the cluster-scoped RBAC.
    std::map<std::string, std::map<std::string, int>> kindsByOwner;
    const nlohmann::json lists[] = {
        cp().kubectlJson({"get", "deploy,sa,role,rolebinding,svc,secret", "-n", ns(), "-l",
                          "app.kubernetes.io/managed-by=clusteragent-operator"}),
        cp().kubectlJson({"get", "clusterrole,clusterrolebinding", "-l",
                          "argoproj.io/clusteragent-namespace=" + ns()})};
    for (const auto& list : lists) {
      ASSERT_TRUE(list.contains("items")) << "kubectl get of the children failed";
      for (const auto& child : list["items"]) {
        const std::string owner = child["metadata"]
                                      .value("labels", nlohmann::json::object())
                                      .value("argoproj.io/clusteragent", "");
        ++kindsByOwner[owner][child.value("kind", "")];
      }
    }
    const std::map<std::string, int> once = {{"ClusterRole", 1}, {"ClusterRoleBinding", 1},
                                             {"Deployment", 1},  {"Role", 1},
                                             {"RoleBinding", 1}, {"Secret", 1},
                                             {"Service", 1},     {"ServiceAccount", 1}};
    for (const auto& [owner, kinds] : kindsByOwner) {
      EXPECT_TRUE(names.count(owner)) << "orphan children of '" << owner << "'";
    }
    int wrong = 0;
    for (const auto& name : names) {
      if (kindsByOwner[name] != once && ++wrong <= 5) {
        std::string kinds;
        for (const auto& [kind, n] : kindsByOwner[name])
          kinds += " " + kind + "=" + std::to_string(n);
        ADD_FAILURE() << name << " has children" << kinds << ", want each kind once";
      }
    }

    // Then it settles: the Events queued during the rollout are written, and
    // then nothing is written again (no ping-pong, no hot loop). Probes of an
    // unreachable server change nothing once their result is in status.
    const auto start = std::chrono::steady_clock::now();
    const auto before = writesByVerb();
    const bool settled = settles(180s);
    std::string more;
    for (const auto& [verb, n] : testsupport::delta(before, writesByVerb())) {
      more += " " + verb + "=" + std::to_string(static_cast<int>(n));
    }
    std::cerr << "settled "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() -
                     10
              << " s after converging, writing" << (more.empty() ? " nothing" : more)
              << " meanwhile" << std::endl;
    EXPECT_TRUE(settled) << "the operator still writes three minutes after converging";
  }

  // True once no write was made for 10 s, within `cap`.
  bool settles(std::chrono::seconds cap) const {
    const auto end = std::chrono::steady_clock::now() + cap;
    double last = writes();
    auto quietSince = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(1s);
      const double now = writes();
      if (now != last) quietSince = std::chrono::steady_clock::now();
      last = now;
      if (std::chrono::steady_clock::now() - quietSince >= 10s) return true;
    }
    return false;
  }

  // The running operator's writes by verb, as it counted them on /metrics.
  // PUT is left out: only the Lease is written with PUT, and it is renewed
  // every 2 s however quiet the operator is.
  std::map<std::string, double> writesByVerb() const {
    auto byVerb = testsupport::sumBy(testsupport::parsePrometheusText(metrics()),
                                     "clusteragent_operator_api_requests_total", "verb");
    for (auto it = byVerb.begin(); it != byVerb.end();) {
      const bool write = it->first == "POST" || it->first == "PATCH" || it->first == "DELETE";
      it = write ? std::next(it) : byVerb.erase(it);
    }
    return byVerb;
  }
  double writes() const { return testsupport::total(writesByVerb()); }

  // The operator's requests by HTTP code, as it counted them.
  std::map<std::string, double> requestsByCode() const {
    return testsupport::sumBy(testsupport::parsePrometheusText(metrics()),
                              "clusteragent_operator_api_requests_total", "code");
  }

  bool through_proxy_ = false;
  testsupport::TestCertificateAuthority proxy_ca_{"fault-proxy-ca"};
  std::unique_ptr<testsupport::HttpFaultProxy> proxy_;
  int count_ = 0;
  bool leader_elect_ = true;
  int operator_exits_ = 0;
};

}  // namespace e2e
