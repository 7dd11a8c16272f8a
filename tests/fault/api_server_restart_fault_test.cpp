// kube-apiserver restarted five times while 200 ClusterAgents roll out (issue
// 9, fault tier). The restarts are real: tests/controlplane/ctl stops the API
// server process and starts it again on the same etcd, so watches end,
// connections are refused for seconds and resourceVersions come back from a
// cold watch cache. The operator talks to it directly.
#include "tests/fault/rollout_fault_fixture.h"

namespace e2e {
namespace {

using ApiServerRestartFaultTest = RolloutFaultTest;

TEST_F(ApiServerRestartFaultTest, FiveRestartsDuringARolloutOf200ClusterAgents) {
  constexpr int kAgents = 200;
  createClusterAgents(kAgents);
  const auto start = std::chrono::steady_clock::now();
  int convergedAtLastRestart = 0;
  for (int i = 1; i <= 5; ++i) {
    std::this_thread::sleep_for(10s);
    restartOperatorIfItExited();
    convergedAtLastRestart = convergedCount();
    CommandResult restarted = cp().ctl({"restart", "kube-apiserver"});
    ASSERT_TRUE(restarted.ok()) << restarted.output;
    std::cerr << "restart " << i << " done; " << convergedAtLastRestart << "/" << kAgents
              << " had converged before it" << std::endl;
  }
  EXPECT_LT(convergedAtLastRestart, kAgents)
      << "the rollout was over before the last restart: it did not test a restart mid-rollout";

  const double took = waitConverged(420s);
  ASSERT_GE(took, 0) << convergedCount() << "/" << kAgents << " converged";
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "all " << kAgents << " converged " << total << " s after the rollout began, " << took
            << " s after the last restart; the operator exited " << operator_exits_
            << " times (Lease lost) and was restarted" << std::endl;
  expectConvergedExactlyOnceAndQuiet();
}

}  // namespace
}  // namespace e2e
