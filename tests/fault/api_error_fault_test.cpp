// A fifth of the operator's requests answered 429 (with Retry-After), 500 or
// 503 for a minute while 100 ClusterAgents roll out (issue 9, fault tier).
// An HTTP fault proxy between the operator and kube-apiserver answers them
// in the API server's place, with a Status as the API server would.
#include "tests/fault/rollout_fault_fixture.h"

namespace e2e {
namespace {

class ApiErrorFaultTest : public RolloutFaultTest {
 protected:
  ApiErrorFaultTest() { through_proxy_ = true; }
};

TEST_F(ApiErrorFaultTest, TwentyPercentOfRequestsFailWith429Or5xxForAMinute) {
  constexpr int kAgents = 100;
  createClusterAgents(kAgents);
  const auto before = proxy_->counts();
  proxy_->failShare(0.2);
  sustainFault(60s);
  proxy_->failShare(0);
  const auto after = proxy_->counts();
  const int requests = after.requests - before.requests;
  const int failed = after.failed - before.failed;
  const int convergedAfterTheMinute = convergedCount();
  std::cerr << failed << " of " << requests << " requests failed by the proxy in 60 s; "
            << convergedAfterTheMinute << "/" << kAgents << " converged by then" << std::endl;
  ASSERT_GT(requests, 100);
  EXPECT_NEAR(static_cast<double>(failed) / requests, 0.2, 0.05);
  // The operator saw them as such: its own request counter by code.
  const auto codes = requestsByCode();
  for (const char* code : {"429", "500", "503"}) {
    EXPECT_GT(codes.count(code) ? codes.at(code) : 0, 0) << "no " << code << " counted";
  }
  EXPECT_LT(convergedAfterTheMinute, kAgents) << "the rollout did not last the minute";

  expectRecoveredWithoutAnExit("the errors stopped");
}

}  // namespace
}  // namespace e2e
