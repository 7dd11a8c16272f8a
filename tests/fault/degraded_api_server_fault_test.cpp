// The operator binary against an API server that stops answering (issue 9,
// defect 6): the process still ends within its pod's grace period. Between
// the operator and kube-apiserver sits a fault proxy; TLS passes through it,
// so the operator verifies the real server as ever.
#include <regex>

#include "tests/fault/proxied_operator_fixture.h"

namespace e2e {
namespace {

// terminationGracePeriodSeconds of the shipped Deployment: the kubelet's
// SIGKILL comes that long after SIGTERM.
std::chrono::seconds podGracePeriod() {
  const std::string deployment = readFile(cp().repoRoot() + "/manifests/base/deployment.yaml");
  std::smatch m;
  if (!std::regex_search(deployment, m, std::regex(R"(terminationGracePeriodSeconds:\s*(\d+))"))) {
    return std::chrono::seconds(0);
  }
  return std::chrono::seconds(std::stoi(m[1]));
}

using DegradedApiServerFaultTest = ProxiedOperatorTest;

TEST_F(DegradedApiServerFaultTest, SigtermWhileTheApiServerIsSilentEndsWithinThePodsGracePeriod) {
  const auto grace = podGracePeriod();
  ASSERT_GT(grace.count(), 0)
      << "no terminationGracePeriodSeconds in manifests/base/deployment.yaml";
  ASSERT_TRUE(proxy_);
  ASSERT_GT(proxy_->connectionsAccepted(), 0) << "the operator does not go through the proxy";
  // Work in flight: a ClusterAgent whose children are being created.
  apply(sample("clusteragent_secret_ref.yaml"));
  proxy_->stall();  // every request, open or new, now waits for ever
  std::this_thread::sleep_for(2s);
  const auto signalled = std::chrono::steady_clock::now();
  const std::string how = operator_->stop(grace);
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_EQ(how, "exit 0") << testsupport::fileTail(log_path_, 40);
  EXPECT_LT(took, grace);
  std::cerr << "exited "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() / 1000.0
            << " s after SIGTERM (pod grace " << grace.count() << " s)" << std::endl;
  // Reconciles stuck on requests were cancelled, none was abandoned. (The
  // Lease cannot be handed back through a silent server: it lapses.)
  const std::string log = readFile(log_path_);
  EXPECT_TRUE(contains(log, "cancelling their API requests"))
      << testsupport::fileTail(log_path_, 40);
  EXPECT_FALSE(contains(log, "did not stop within the grace period"));
  operator_.reset();  // stopped already; TearDown must not expect a clean release
  // No operator is left to release the finalizer: the test does, so the
  // namespace can go.
  proxy_->resume();
  CommandResult released = kubectl({"patch", "clusteragent", "aro-agent-ref", "--type=merge", "-p",
                                    R"({"metadata":{"finalizers":null}})"});
  EXPECT_TRUE(released.ok()) << released.output;
}

}  // namespace
}  // namespace e2e
