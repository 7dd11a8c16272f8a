// The e2e tier: the built clusteragent-operator binary, started as a process
// under the ServiceAccount the shipped manifests bind its ClusterRole to, and
// driven only with kubectl — the way a user meets it. Each test starts its own
// operator (leader election on, its Lease in the test's namespace) and stops
// it with SIGTERM, which must end it cleanly and hand the Lease back.
#include "tests/e2e/operator_e2e_fixture.h"

namespace {

using namespace e2e;

// The first row of a kubectl table by column header. kubectl pads columns
// with at least three spaces, and a header may hold one ("READY AGENTS").
std::map<std::string, std::string> tableRow(const std::string& table) {
  std::istringstream lines(table);
  std::string header;
  std::string row;
  std::getline(lines, header);
  std::getline(lines, row);
  std::vector<size_t> starts;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] != ' ' && (i == 0 || (i >= 2 && header.compare(i - 2, 2, "  ") == 0))) {
      starts.push_back(i);
    }
  }
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  std::map<std::string, std::string> out;
  for (size_t c = 0; c < starts.size(); ++c) {
    const size_t end = c + 1 < starts.size() ? starts[c + 1] : std::string::npos;
    const std::string cell = starts[c] < row.size() ? row.substr(starts[c], end - starts[c]) : "";
    out[trim(header.substr(starts[c], end == std::string::npos ? end : end - starts[c]))] =
        trim(cell);
  }
  return out;
}

// A Prometheus sample line "metric{...labels...} value" with every label given.
bool hasSample(const std::string& exposition, const std::string& metric,
               const std::vector<std::string>& labels, const std::string& value) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(metric + "{", 0) != 0) continue;
    bool all = true;
    for (const auto& label : labels) all = all && contains(line, label);
    if (all && line.size() > value.size() &&
        line.compare(line.size() - value.size() - 1, std::string::npos, " " + value) == 0) {
      return true;
    }
  }
  return false;
}

TEST_F(OperatorE2ETest, ServesHealthReadinessAndMetrics) {
  auto healthz = testsupport::httpGet(health_port_, "/healthz");
  ASSERT_TRUE(healthz.has_value()) << "/healthz is not 200";
  EXPECT_TRUE(testsupport::httpGet(health_port_, "/readyz").has_value()) << "/readyz is not 200";
  const std::string m = metrics();
  EXPECT_TRUE(contains(m, "leader_election_master_status")) << m;
  EXPECT_TRUE(contains(m, "clusteragent_operator_api_requests_total")) << m;
}

TEST_F(OperatorE2ETest, SecretRefSampleConvergesAndConnectsOnceThePodIsReady) {
  const std::string name = "aro-agent-ref";
  apply(sample("clusteragent_secret_ref.yaml"));

  waitFor(name, "condition=SpecValid");
  waitFor(name, "condition=CredentialsReady");
  ASSERT_TRUE(eventually([&] { return hasEveryChild(name); }, 60s, kPoll)) << "children by label:\n"
                                                                           << children(name);

  // No kubelet runs: the pod kube-controller-manager created is not ready,
  // so the agent is not connected yet.
  std::string pod;
  ASSERT_TRUE(eventually(
      [&] {
        CommandResult r = kubectl({"get", "pods", "-l", "argoproj.io/clusteragent=" + name, "-o",
                                   "jsonpath={.items[0].metadata.name}"});
        pod = r.ok() ? r.output : "";
        return !pod.empty();
      },
      60s, kPoll))
      << "no agent pod was admitted:\n"
      << kubectl({"get", "events"}).output;
  waitFor(name, "condition=Connected=False");

  // Play the kubelet: the agent's readiness probe (its /healthz) passes only
  // while it is connected to the principal.
  CommandResult ready = kubectl(
      {"patch", "pod", pod, "--subresource=status", "--type=merge", "-p",
       R"({"status":{"phase":"Running","conditions":[)"
       R"({"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"}]}})"});
  ASSERT_TRUE(ready.ok()) << ready.output;
  waitFor(name, "condition=Connected");
  waitFor(name, "condition=Ready");
  waitFor(name, "jsonpath={.status.phase}=Connected");

  CommandResult wide = kubectl({"get", "clusteragent", name, "-o", "wide"});
  ASSERT_TRUE(wide.ok()) << wide.output;
  const std::map<std::string, std::string> row = tableRow(wide.output);
  const std::map<std::string, std::string> expected = {
      {"NAME", name},
      {"CLUSTER", "aro-staging"},
      {"SERVER", "https://argocd-agent.yourdomain.com:8443"},
      {"MODE", "managed"},
      {"CONNECTED", "True"},
      {"PHASE", "Connected"},
      {"IMAGE", "quay.io/argoprojlabs/argocd-agent:v0.9.0"},
      {"READY AGENTS", "1"}};
  for (const auto& [column, value] : expected) {
    EXPECT_EQ(row.count(column) ? row.at(column) : "<no column>", value) << column << " in:\n"
                                                                         << wide.output;
  }
  EXPECT_EQ(row.count("AGE"), 1u) << wide.output;
  EXPECT_EQ(row.count("MESSAGE"), 1u) << wide.output;

  EXPECT_TRUE(eventually(
      [&] {
        return hasSample(
            metrics(), "clusteragent_connected",
            {"namespace=\"" + ns() + "\"", "name=\"" + name + "\"", "cluster=\"aro-staging\""},
            "1");
      },
      30s, kPoll))
      << metrics();
}

TEST_F(OperatorE2ETest, InvalidManifestIsRefusedByApplyNamingTheField) {
  struct Case {
    std::string field;
    std::string line;  // a line of the inline-token sample
    std::string bad;
  };
  for (const Case& c : std::vector<Case>{
           {"spec.serverAddr", "serverAddr: https://argocd.yourdomain.com",
            "serverAddr: ftp://argocd.yourdomain.com/path"},
           {"spec.clusterName", "clusterName: aro-prod", "clusterName: Not_A_DNS_Label"}}) {
    int replaced = 0;
    const std::string manifest = replaceAll(sample("clusteragent.yaml"), c.line, c.bad, &replaced);
    ASSERT_EQ(replaced, 1) << "the sample no longer has '" << c.line << "'";
    CommandResult r = cp().kubectl({"apply", "-f", "-"}, manifest);
    EXPECT_FALSE(r.ok()) << c.bad << " was accepted";
    EXPECT_TRUE(contains(r.output, c.field)) << r.output;
    EXPECT_FALSE(kubectl({"get", "clusteragent", "aro-agent"}).ok()) << "a refused one exists";
  }
}

TEST_F(OperatorE2ETest, DeletingTheClusterAgentRemovesItAndItsChildren) {
  // The manifest from the original write-up (inline token), unchanged but for namespace and token.
  const std::string name = "aro-agent";
  apply(sample("clusteragent.yaml"));
  waitFor(name, "condition=CredentialsReady");
  ASSERT_TRUE(eventually([&] { return hasEveryChild(name); }, 60s, kPoll)) << "children by label:\n"
                                                                           << children(name);

  CommandResult del = kubectl({"delete", "clusteragent", name, "--wait=false"});
  ASSERT_TRUE(del.ok()) << del.output;
  waitFor(name, "delete");
  // kube-controller-manager's garbage collector follows the owner references.
  EXPECT_TRUE(eventually(
      [&] {
        CommandResult r = kubectl({"get", "deploy,sa,role,rolebinding,svc,secret", "-l",
                                   "argoproj.io/clusteragent=" + name, "-o", "name"});
        return r.ok() && r.output.empty();
      },
      60s, kPoll))
      << "children left:\n"
      << children(name);
}

TEST_F(OperatorE2ETest, SigtermEndsTheOperatorCleanlyAndReleasesTheLease) {
  const std::string holder = leaseHolder();
  ASSERT_FALSE(holder.empty());
  stopOperatorAndExpectCleanExit();
  const std::string log = readFile(log_path_);
  EXPECT_TRUE(contains(log, "released leader lease")) << testsupport::fileTail(log_path_, 20);
  // A released Lease is free at once: a successor takes it without waiting it out.
  CommandResult lease =
      kubectl({"get", "lease", kLeaseName, "-o", "jsonpath={.spec.leaseDurationSeconds}"});
  EXPECT_EQ(lease.output, "1") << lease.output;
}

}  // namespace
