// The operator SIGKILLed ten times while 100 ClusterAgents roll out (issue 9,
// fault tier): no shutdown, no Lease handed back, requests cut at any point
// between one child and the next. Each kill comes a random 2-6 s after the
// operator was ready. The killed replicas run without leader election, so a
// restart starts work at once instead of waiting out its predecessor's
// Lease (the failover test covers the handover); the last one runs with it,
// as shipped.
#include <random>

#include "tests/fault/rollout_fault_fixture.h"

namespace e2e {
namespace {

using OperatorKillFaultTest = RolloutFaultTest;

TEST_F(OperatorKillFaultTest, TenSigkillsMidRollout) {
  constexpr int kAgents = 100;
  createClusterAgents(kAgents);
  std::mt19937 random(9);
  std::uniform_int_distribution<int> workMs(2000, 6000);
  int convergedAtLastKill = 0;
  for (int kill = 1; kill <= 10; ++kill) {
    if (kill > 1) startOperator(/*leaderElect=*/false);
    ASSERT_TRUE(eventually(
        [&] { return testsupport::httpGet(health_port_, "/readyz").has_value(); }, 60s, kPoll))
        << testsupport::fileTail(log_path_, 20);
    std::this_thread::sleep_for(std::chrono::milliseconds(workMs(random)));
    operator_->kill();
    EXPECT_NE(operator_->waitForExit(10s), "still running");
    convergedAtLastKill = convergedCount();
    std::cerr << "kill " << kill << ": " << convergedAtLastKill << "/" << kAgents << " converged"
              << std::endl;
  }
  EXPECT_LT(convergedAtLastKill, kAgents)
      << "the rollout was over before the last kill: it did not test kills mid-rollout";

  startOperator(/*leaderElect=*/true);
  const double took = waitConverged(300s);
  ASSERT_GE(took, 0) << convergedCount() << "/" << kAgents << " converged";
  std::cerr << "all converged " << took << " s after the last kill" << std::endl;
  expectConvergedExactlyOnceAndQuiet();
}

}  // namespace
}  // namespace e2e
