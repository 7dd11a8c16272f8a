// Two replicas of the operator binary with leader election (issue 9): the
// leader killed is succeeded within the lease duration, and a leader cut off
// from the API server gives up before its successor starts. The leader talks
// to kube-apiserver through a fault proxy, its successor directly.
#include "tests/fault/proxied_operator_fixture.h"

namespace e2e {
namespace {

// ctrl::leader::LeaderElectionConfig defaults, which the binary uses.
constexpr auto kLeaseDuration = 15s;
constexpr auto kRenewDeadline = 10s;
// The follower counts the lease from when *it* saw the last renewal (up to one
// retry after it was written) and takes over at its first retry after expiry:
// two retryPeriods of 2 s with up to 20% jitter past the lease duration.
constexpr auto kRetrySlack = 5s;

class LeaderFailoverFaultTest : public ProxiedOperatorTest {
 protected:
  void SetUp() override {
    ProxiedOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    // Ready can come before the line naming the Lease won is in the log.
    eventually(
        [&] {
          first_ = leaderIdentity(readFile(log_path_));
          return !first_.empty();
        },
        30s, kPoll);
    ASSERT_FALSE(first_.empty()) << testsupport::fileTail(log_path_, 20);
    ASSERT_EQ(leaseHolder(), first_);
    apply(sample("clusteragent_secret_ref.yaml"));
    ASSERT_TRUE(eventually([&] { return hasEveryChild("aro-agent-ref"); }, 60s, kPoll));
    startDirectReplica();
    // The replica waits as a follower.
    ASSERT_TRUE(eventually(
        [&] { return contains(readFile(replica_log_path_), "attempting to acquire leader lease"); },
        60s, kPoll))
        << testsupport::fileTail(replica_log_path_, 20);
    ASSERT_EQ(leaseHolder(), first_);
  }

  // Polls until someone other than the first leader holds the Lease.
  std::string waitForSuccessor(std::chrono::seconds within) {
    std::string holder;
    eventually(
        [&] {
          holder = leaseHolder();
          return !holder.empty() && holder != first_;
        },
        within, 100ms);
    return holder == first_ ? "" : holder;
  }

  std::string first_;
};

TEST_F(LeaderFailoverFaultTest, TheLeaderKilledIsSucceededWithinTheLeaseDuration) {
  const auto killed = std::chrono::steady_clock::now();
  operator_->kill();
  const std::string successor = waitForSuccessor(60s);
  const auto handover = std::chrono::steady_clock::now() - killed;
  ASSERT_FALSE(successor.empty()) << testsupport::fileTail(replica_log_path_, 20);
  EXPECT_EQ(successor, leaderIdentity(readFile(replica_log_path_)));
  std::cerr << "handover "
            << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() / 1000.0
            << " s after SIGKILL of the leader (lease " << kLeaseDuration.count() << " s)"
            << std::endl;
  EXPECT_LE(handover, kLeaseDuration + kRetrySlack);
  promoteReplica();
  // The successor reconciles: a child removed now comes back.
  ASSERT_TRUE(kubectl({"delete", "serviceaccount", "aro-agent-ref-agent"}).ok());
  EXPECT_TRUE(eventually([&] { return hasEveryChild("aro-agent-ref"); }, 60s, kPoll))
      << testsupport::fileTail(log_path_, 30);
}

TEST_F(LeaderFailoverFaultTest, ALeaderCutOffFromTheApiServerGivesUpBeforeItsSuccessorStarts) {
  const std::string leaderLog = log_path_;
  const auto cut = std::chrono::steady_clock::now();
  proxy_->stall();  // the leader's requests, renewals included, now hang
  const std::string successor = waitForSuccessor(60s);
  const auto handover = std::chrono::steady_clock::now() - cut;
  ASSERT_FALSE(successor.empty()) << testsupport::fileTail(replica_log_path_, 20);
  // The cut-off leader ends by itself: the Lease lost, exit 1.
  EXPECT_EQ(operator_->waitForExit(kGrace), "exit 1") << testsupport::fileTail(leaderLog, 30);
  const std::string oldLog = readFile(leaderLog);
  const auto gaveUp = loggedAt(oldLog, "writes stopped");
  const auto tookOver = loggedAt(readFile(replica_log_path_), "\"acquired leader lease\"");
  ASSERT_TRUE(gaveUp) << testsupport::fileTail(leaderLog, 30);
  ASSERT_TRUE(tookOver);
  std::cerr << "cut-off leader gave up " << (*tookOver - *gaveUp) / 1000.0
            << " s before its successor took the Lease; handover "
            << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() / 1000.0
            << " s after the cut" << std::endl;
  // Its write fence closed no later than it gave up; the successor started after that.
  EXPECT_LT(*gaveUp, *tookOver);
  EXPECT_GE(handover, kRenewDeadline);
  operator_.reset();
  promoteReplica();
}

}  // namespace
}  // namespace e2e
