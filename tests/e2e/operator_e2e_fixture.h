#pragma once
// The e2e fixture: the built clusteragent-operator binary, started as a process
// under the ServiceAccount the shipped manifests bind its ClusterRole to, in a
// namespace of its own that enforces Pod Security "restricted", driven with
// kubectl. Each test starts its own operator (leader election on, its Lease in
// the test's namespace) and stops it with SIGTERM, which must end it cleanly
// and hand the Lease back. Shared by the e2e test files.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/operator_process.h"
#include "tests/support/service_account_kubeconfig.h"
#include "tests/support/test_certificates.h"

namespace e2e {

using testsupport::CommandResult;
using testsupport::ControlPlane;
using testsupport::eventually;
using testsupport::TestNamespace;
using namespace std::chrono_literals;

// Subject of manifests/base/cluster_role_binding.yaml.
const char kOperatorNamespace[] = "clusteragent-operator-system";
const char kOperatorServiceAccount[] = "clusteragent-operator";
// ctrl::manager::ManagerOptions::leaderElectionId.
const char kLeaseName[] = "clusteragent-operator-leader";
// The manager's graceful shutdown timeout.
constexpr auto kGrace = 30s;
// kubectl is a process per check: poll gently.
constexpr auto kPoll = 200ms;
const std::string kWaitTimeout = "--timeout=60s";
// In the samples; replaced by a value the operator's log must never contain.
const char kSampleToken[] = "<token-from-central-argocd>";
const char kSampleNamespace[] = "namespace: argocd";

inline const ControlPlane& cp() {
  return ControlPlane::instance();
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every occurrence of `from` in text replaced; `count` says how many there were.
inline std::string replaceAll(std::string text, const std::string& from, const std::string& to,
                              int* count = nullptr) {
  int n = 0;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++n;
  }
  if (count) *count = n;
  return text;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// What the kubectl user installs before running the operator: the CRD, the
// operator's namespace, ServiceAccount, ClusterRole and ClusterRoleBinding —
// the files of manifests/base as shipped (not its Deployment: there is no kubelet).
inline void installShippedManifests() {
  const std::string root = cp().repoRoot();
  CommandResult crd =
      cp().kubectl({"apply", "--server-side", "--force-conflicts", "-k", root + "/crds"});
  ASSERT_TRUE(crd.ok()) << crd.output;
  CommandResult established = cp().kubectl(
      {"wait", "--for=condition=Established", kWaitTimeout, "crd/clusteragents.argoproj.io"});
  ASSERT_TRUE(established.ok()) << established.output;
  const std::string base = root + "/manifests/base/";
  CommandResult rbac =
      cp().kubectl({"apply", "-f", base + "namespace.yaml", "-f", base + "service_account.yaml",
                    "-f", base + "cluster_role.yaml", "-f", base + "cluster_role_binding.yaml"});
  ASSERT_TRUE(rbac.ok()) << rbac.output;
}

class OperatorE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { installShippedManifests(); }

  void SetUp() override {
    ns_ = std::make_unique<TestNamespace>(
        "e2e", std::vector<std::string>{"pod-security.kubernetes.io/enforce=restricted"});
    const std::string dir = std::string(E2E_ARTIFACT_DIR) + "/" + ns();
    std::filesystem::create_directories(dir);
    log_path_ = dir + "/operator.log";
    createAgentClientCertificate(dir);
    kubeconfig_ = dir + "/operator.kubeconfig";
    ASSERT_TRUE(testsupport::writeServiceAccountKubeconfig(kOperatorNamespace,
                                                           kOperatorServiceAccount, kubeconfig_));
    // The operator's own credential must stay out of its log too.
    const auto kubeconfig = nlohmann::json::parse(readFile(kubeconfig_), nullptr, false);
    ASSERT_FALSE(kubeconfig.is_discarded());
    tokens_.push_back(kubeconfig["users"][0]["user"].value("token", ""));
    ASSERT_FALSE(tokens_.back().empty());
    auto rerouted = kubeconfig;
    routeApiServer(rerouted["clusters"][0]["cluster"]);
    if (rerouted != kubeconfig) std::ofstream(kubeconfig_, std::ios::trunc) << rerouted.dump();

    metrics_port_ = testsupport::freeLoopbackPort();
    health_port_ = testsupport::freeLoopbackPort();
    ASSERT_GT(metrics_port_, 0);
    ASSERT_GT(health_port_, 0);
    std::vector<std::string> args = operatorArgs(kubeconfig_, metrics_port_, health_port_);
    for (const auto& extra : extraArgs()) args.push_back(extra);
    operator_ = std::make_unique<testsupport::OperatorProcess>(OPERATOR_BINARY, args, log_path_);
    std::string error;
    ASSERT_TRUE(operator_->start(&error)) << error;

    // Serving, caches synced, and leading: only then does it reconcile.
    ASSERT_TRUE(eventually(
        [&] { return testsupport::httpGet(health_port_, "/readyz").has_value(); }, 60s, kPoll))
        << "/readyz never answered 200";
    ASSERT_TRUE(eventually([&] { return !leaseHolder().empty(); }, 60s, kPoll))
        << "the operator never took Lease " << ns() << "/" << kLeaseName;
  }

  // A replica of the operator for this test's namespace, with leader election.
  std::vector<std::string> operatorArgs(const std::string& kubeconfig, int metricsPort,
                                        int healthPort) const {
    return {"--kubeconfig", kubeconfig, "--namespace", ns(), "--leader-elect",
            "--leader-election-namespace", ns(), "--metrics-bind-address",
            "127.0.0.1:" + std::to_string(metricsPort), "--health-probe-bind-address",
            "127.0.0.1:" + std::to_string(healthPort),
            // The test principal listens on loopback, which the prober
            // refuses unless an admin allows it (docs/security.md).
            "--probe-allow-cidrs=127.0.0.0/8",
            // debug: TearDown's token check then covers all the operator can log.
            "--log-format", "json", "--log-level", "debug"};
  }

  // Flags a suite adds to operatorArgs (e.g. --metrics-secure).
  virtual std::vector<std::string> extraArgs() const { return {}; }

  // The kubeconfig's cluster entry the operator is given: a fault proxy's
  // server (and the CA that proxy's certificate comes from), say.
  virtual void routeApiServer(nlohmann::json& /*cluster*/) {}

  void TearDown() override {
    // ClusterAgents go while their finalizer's owner still runs: else the
    // namespace cannot finish deleting, and one forced away leaves them
    // behind in etcd for the next test's operator to trip over.
    if (operator_) kubectl({"delete", "clusteragents", "--all", teardown_delete_timeout_});
    if (operator_) stopOperatorAndExpectCleanExit();
    for (const auto& path : earlier_logs_) {
      const std::string log = readFile(path);
      for (const auto& token : tokens_) {
        EXPECT_FALSE(contains(log, token)) << "a token is in the operator's log " << path;
      }
    }
    if (!log_path_.empty()) {
      const std::string log = readFile(log_path_);
      for (const auto& token : tokens_) {
        EXPECT_FALSE(contains(log, token)) << "a token is in the operator's log " << log_path_;
      }
      if (HasFailure()) {
        std::cerr << "---- last lines of " << log_path_ << "\n"
                  << testsupport::fileTail(log_path_, 60) << "----" << std::endl;
      }
    }
    operator_.reset();
    ns_.reset();
    // It holds a token; the log stays for reading.
    if (!kubeconfig_.empty()) std::filesystem::remove(kubeconfig_);
  }

  // What the cluster admin provisions beside the samples: the agent's TLS client
  // certificate, `argocd-agent-client-tls` in the agent namespace (upstream's
  // default, which the agent needs in every auth mode), and the principal's CA. Its key must stay
  // out of the operator's log as much as a token.
  void createAgentClientCertificate(const std::string& dir) {
    const auto cert = testsupport::makeSelfSignedCertificate();
    const std::string certFile = dir + "/client.crt";
    const std::string keyFile = dir + "/client.key";
    std::ofstream(certFile) << cert.certPem;
    std::ofstream(keyFile) << cert.keyPem;
    CommandResult r = kubectl({"create", "secret", "tls", "argocd-agent-client-tls",
                               "--cert=" + certFile, "--key=" + keyFile});
    std::filesystem::remove(keyFile);
    ASSERT_TRUE(r.ok()) << r.output;
    // And the CA that verifies the principal, as `argocd-agentctl pki
    // propagate` writes it (argocd-agent-ca, key ca.crt).
    r = kubectl(
        {"create", "secret", "generic", "argocd-agent-ca", "--from-file=ca.crt=" + certFile});
    ASSERT_TRUE(r.ok()) << r.output;
    tokens_.push_back(keyLine(cert.keyPem));
  }

  // A line from the middle of a PEM key: what a leak would show verbatim.
  static std::string keyLine(const std::string& pem) {
    std::istringstream lines(pem);
    std::string line;
    std::getline(lines, line);  // -----BEGIN
    std::getline(lines, line);
    return line;
  }

  // SIGTERM: the operator must exit 0 within its grace period, having handed
  // its Lease back (holderIdentity emptied) so a successor need not wait it out.
  void stopOperatorAndExpectCleanExit() {
    // stop() sends SIGKILL after kGrace and then says "killed after ...".
    EXPECT_EQ(operator_->stop(kGrace), "exit 0") << "after SIGTERM";
    EXPECT_EQ(leaseHolder(), "") << "Lease " << ns() << "/" << kLeaseName << " not released";
    operator_.reset();
  }

  const std::string& ns() const { return ns_->name(); }

  CommandResult kubectl(std::vector<std::string> args, const std::string& input = "") const {
    args.push_back("-n");
    args.push_back(ns());
    return cp().kubectl(args, input);
  }

  std::string leaseHolder() const {
    CommandResult r =
        kubectl({"get", "lease", kLeaseName, "-o", "jsonpath={.spec.holderIdentity}"});
    return r.ok() ? r.output : "";
  }

  // A shipped sample, moved into the test's namespace with a token unique to
  // this test (which TearDown then looks for in the operator's log).
  std::string sample(const std::string& file) {
    std::string text = readFile(cp().repoRoot() + "/manifests/samples/" + file);
    int namespaces = 0;
    int tokens = 0;
    text = replaceAll(text, kSampleNamespace, "namespace: " + ns(), &namespaces);
    const std::string token = "e2e-token-" + ns() + "-DO-NOT-LOG";
    text = replaceAll(text, kSampleToken, token, &tokens);
    EXPECT_GT(namespaces, 0) << file << " no longer says '" << kSampleNamespace << "'";
    EXPECT_EQ(tokens, 1) << file << " no longer holds '" << kSampleToken << "' once";
    tokens_.push_back(token);
    return text;
  }

  void apply(const std::string& manifest) {
    CommandResult r = cp().kubectl({"apply", "-f", "-"}, manifest);
    ASSERT_TRUE(r.ok()) << r.output;
  }

  // kubectl wait --for=<what> clusteragent/<name>
  void waitFor(const std::string& name, const std::string& what) {
    CommandResult r = kubectl({"wait", "--for=" + what, kWaitTimeout, "clusteragent/" + name});
    ASSERT_TRUE(r.ok()) << "kubectl wait --for=" << what << ": " << r.output << "\n"
                        << kubectl({"get", "clusteragent", name, "-o", "yaml"}).output;
  }

  // `kubectl get` of every kind a ClusterAgent becomes, by its label: "kind/name" lines.
  std::string children(const std::string& name) const {
    CommandResult r = kubectl({"get", "deploy,sa,role,rolebinding,svc,secret", "-l",
                               "argoproj.io/clusteragent=" + name, "-o", "name"});
    return r.ok() ? r.output : "";
  }
  static std::vector<std::string> expectedChildren(const std::string& name) {
    return {"deployment.apps/" + name + "-agent",
            "serviceaccount/" + name + "-agent",
            "role.rbac.authorization.k8s.io/" + name + "-agent",
            "rolebinding.rbac.authorization.k8s.io/" + name + "-agent",
            "service/" + name + "-agent-metrics",
            "secret/" + name + "-agent-creds"};
  }
  bool hasEveryChild(const std::string& name) const {
    const std::string listed = children(name);
    for (const auto& child : expectedChildren(name)) {
      if (!contains(listed, child + "\n")) return false;
    }
    return true;
  }

  std::string metrics() const {
    return testsupport::httpGet(metrics_port_, "/metrics").value_or("");
  }

  std::unique_ptr<TestNamespace> ns_;
  std::unique_ptr<testsupport::OperatorProcess> operator_;
  std::string log_path_;
  // Logs of operators this test ran before the current one (each is checked
  // for tokens too).
  std::vector<std::string> earlier_logs_;
  std::string kubeconfig_;
  int metrics_port_ = -1;
  int health_port_ = -1;
  std::vector<std::string> tokens_;
  // Time TearDown gives the operator to finalize every ClusterAgent.
  std::string teardown_delete_timeout_ = "--timeout=60s";
};

}  // namespace e2e
