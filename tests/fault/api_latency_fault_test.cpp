// Every request to the API server a second late for a minute while 100
// ClusterAgents roll out (issue 9, fault tier: latency): a slow or distant
// API server. The HTTP fault proxy holds each request a second before it
// passes it on; the Lease is renewed through it too (one request per
// renewal, inside its 5 s request timeout), so the operator keeps leading.
#include "tests/fault/rollout_fault_fixture.h"

namespace e2e {
namespace {

class ApiLatencyFaultTest : public RolloutFaultTest {
 protected:
  ApiLatencyFaultTest() { through_proxy_ = true; }
};

TEST_F(ApiLatencyFaultTest, EveryRequestASecondLateForAMinute) {
  constexpr int kAgents = 100;
  createClusterAgents(kAgents);
  const auto before = proxy_->counts();
  proxy_->addLatency(1s);
  sustainFault(60s);
  proxy_->addLatency(0s);
  const auto after = proxy_->counts();
  const int delayed = after.delayed - before.delayed;
  const int convergedAfterTheMinute = convergedCount();
  std::cerr << delayed << " requests held 1 s in 60 s; " << convergedAfterTheMinute << "/"
            << kAgents << " converged by then" << std::endl;
  EXPECT_GT(delayed, 30);
  EXPECT_LT(convergedAfterTheMinute, kAgents) << "the rollout did not last the minute";

  expectRecoveredWithoutAnExit("the latency ended");
}

}  // namespace
}  // namespace e2e
