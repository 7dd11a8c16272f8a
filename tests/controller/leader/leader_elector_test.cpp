#include "controller/leader/leader_elector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "controller/clock/rfc3339.h"
#include "tests/mocks/leader/fake_lease_lock.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_clock.h"

namespace ctrl::leader {
namespace {

using fakes::FakeLeaseLock;
using fakes::LeaseStore;

using namespace std::chrono_literals;
using testsupport::eventually;
using testsupport::FakeClock;

LeaderElectionConfig config(const std::string& id) {
  LeaderElectionConfig c;
  c.identity = id;
  return c;
}

TEST(LeaderElectorTest, CreatesLeaseWhenAbsentAndBecomesLeader) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  EXPECT_TRUE(a.tryAcquireOrRenew());
  EXPECT_TRUE(a.isLeader());
  ASSERT_TRUE(store->record);
  EXPECT_EQ(store->record->holderIdentity, "a");
  EXPECT_EQ(store->record->leaseDurationSeconds, 15);
  EXPECT_EQ(store->record->leaseTransitions, 0);
  EXPECT_EQ(store->record->renewTime, clock->wallNow());
}

TEST(LeaderElectorTest, SecondCandidateWaitsUntilObservedExpiryThenTakesOver) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  LeaderElector b(std::make_shared<FakeLeaseLock>(store), config("b"), clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  EXPECT_EQ(b.leader(), "a");
  clock->advance(14s);
  EXPECT_FALSE(b.tryAcquireOrRenew());  // b first saw the record 14s ago
  clock->advance(2s);
  EXPECT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(store->record->holderIdentity, "b");
  EXPECT_EQ(store->record->leaseTransitions, 1);
}

TEST(LeaderElectorTest, RenewalsKeepLeaseAndAcquireTime) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  LeaderElector b(std::make_shared<FakeLeaseLock>(store), config("b"), clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  auto acquired = store->record->acquireTime;
  for (int i = 0; i < 10; ++i) {
    clock->advance(2s);
    ASSERT_TRUE(a.tryAcquireOrRenew());
    EXPECT_FALSE(b.tryAcquireOrRenew());  // b sees a changing record: never expired
  }
  EXPECT_EQ(store->record->acquireTime, acquired);
  EXPECT_EQ(store->record->renewTime, clock->wallNow());
  EXPECT_EQ(store->record->leaseTransitions, 0);
}

TEST(LeaderElectorTest, ExpiryUsesObservedTimeNotHolderWallClock) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  // The holder's clock is an hour behind: its renewTime looks long expired.
  LeaderElectionRecord old;
  old.holderIdentity = "skewed";
  old.leaseDurationSeconds = 15;
  old.renewTime = clock->wallNow() - 1h;
  store->record = old;
  LeaderElector b(std::make_shared<FakeLeaseLock>(store), config("b"), clock);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  clock->advance(16s);
  EXPECT_TRUE(b.tryAcquireOrRenew());
}

TEST(LeaderElectorTest, ConflictMeansLostTheRace) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElectionRecord released;  // free lease
  released.leaseDurationSeconds = 1;
  store->record = released;
  auto lockA = std::make_shared<FakeLeaseLock>(store);
  auto lockB = std::make_shared<FakeLeaseLock>(store);
  LeaderElector a(lockA, config("a"), clock);
  LeaderElector b(lockB, config("b"), clock);
  // Both read the free lease; a writes first, b's write carries a stale RV.
  ASSERT_TRUE(lockB->get().isOk());
  ASSERT_TRUE(a.tryAcquireOrRenew());
  LeaderElectionRecord mine;
  mine.holderIdentity = "b";
  EXPECT_TRUE(kube::isConflict(lockB->update(mine)));
  EXPECT_FALSE(b.tryAcquireOrRenew());
  EXPECT_EQ(store->record->holderIdentity, "a");
}

// client-go's fast path: the leader renews with the Lease it last wrote, one
// request instead of a read and a write, so a lossy API server takes half as
// many chances at each renewal.
TEST(LeaderElectorTest, TheLeaderRenewsWithOneUpdateAndNoRead) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  const int readsWhenLeading = store->reads;
  for (int i = 0; i < 5; ++i) {
    clock->advance(2s);
    ASSERT_TRUE(a.tryAcquireOrRenew());
  }
  EXPECT_EQ(store->reads, readsWhenLeading);
  EXPECT_EQ(store->updates, 5);
  EXPECT_EQ(store->record->renewTime, clock->wallNow());
}

// The optimistic write meets a Lease someone else changed: the same attempt
// reads it and decides as a candidate would, not as the leader it was.
TEST(LeaderElectorTest, AFailedOptimisticRenewalFallsBackToReadingTheLease) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  {
    // Rewritten behind a's back (a kubectl edit, say), still held by a.
    std::lock_guard<std::mutex> l(store->mu);
    ++store->version;
  }
  clock->advance(2s);
  const int reads = store->reads;
  EXPECT_TRUE(a.tryAcquireOrRenew());
  EXPECT_EQ(store->reads, reads + 1);
  EXPECT_EQ(store->record->renewTime, clock->wallNow());

  {
    // Now taken by someone else: the fallback read sees it and a steps down.
    std::lock_guard<std::mutex> l(store->mu);
    store->record->holderIdentity = "b";
    ++store->version;
  }
  clock->advance(2s);
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(store->record->holderIdentity, "b");
}

TEST(LeaderElectorTest, ReleaseHandsLeaseBackForImmediateTakeover) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  LeaderElector b(std::make_shared<FakeLeaseLock>(store), config("b"), clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  ASSERT_TRUE(a.release());
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(store->record->holderIdentity, "");
  EXPECT_EQ(store->record->leaseDurationSeconds, 1);
  EXPECT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(store->record->leaseTransitions, 1);
}

TEST(LeaderElectorTest, NewLeaderCallbackFiresOnHolderChange) {
  auto store = std::make_shared<LeaseStore>();
  auto clock = std::make_shared<FakeClock>();
  std::vector<std::string> seen;
  auto cfg = config("b");
  cfg.onNewLeader = [&](const std::string& id) { seen.push_back(id); };
  LeaderElector a(std::make_shared<FakeLeaseLock>(store), config("a"), clock);
  LeaderElector b(std::make_shared<FakeLeaseLock>(store), cfg, clock);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  b.tryAcquireOrRenew();
  clock->advance(2s);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  b.tryAcquireOrRenew();
  clock->advance(20s);
  ASSERT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

// Candidate "a" with a write fence, on a simulated clock.
struct FencedCandidate {
  std::shared_ptr<LeaseStore> store = std::make_shared<LeaseStore>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  WriteFencePtr fence = std::make_shared<WriteFence>(clock);
  LeaderElector elector{std::make_shared<FakeLeaseLock>(store), withFence(config("a"), fence),
                        clock};
  static LeaderElectionConfig withFence(LeaderElectionConfig c, WriteFencePtr f) {
    c.writeFence = std::move(f);
    return c;
  }
};

TEST(LeaderElectorTest, EachRenewalOpensTheWriteFenceForTheRenewDeadline) {
  FencedCandidate c;
  auto& [store, clock, fence, a] = c;
  EXPECT_FALSE(fence->isOpen());
  ASSERT_TRUE(a.tryAcquireOrRenew());
  clock->advance(9s);
  EXPECT_TRUE(fence->isOpen());
  ASSERT_TRUE(a.tryAcquireOrRenew());  // renewed at 9 s: open until 19 s
  clock->advance(9s);
  EXPECT_TRUE(fence->isOpen());
  {
    std::lock_guard<std::mutex> l(store->mu);
    store->failWrites = true;
  }
  EXPECT_FALSE(a.tryAcquireOrRenew());  // a failed renewal opens nothing
  clock->advance(1s);
  EXPECT_FALSE(fence->isOpen());
}

TEST(LeaderElectorTest, ReleaseClosesTheWriteFenceFirst) {
  FencedCandidate c;
  auto& [store, clock, fence, a] = c;
  ASSERT_TRUE(a.tryAcquireOrRenew());
  {
    std::lock_guard<std::mutex> l(store->mu);
    store->failWrites = true;  // even when handing the Lease back fails
  }
  EXPECT_FALSE(a.release());
  EXPECT_FALSE(fence->isOpen());
}

LeaderElectionConfig fastConfig(const std::string& id) {
  LeaderElectionConfig c = config(id);
  c.leaseDuration = 1000ms;
  c.renewDeadline = 200ms;
  c.retryPeriod = 20ms;
  return c;
}

// One candidate running LeaderElector::run on a thread, its callbacks recorded.
class LeaderElectorRunTest : public ::testing::Test {
 protected:
  void start() {
    auto cfg = fastConfig("a");
    cfg.onStartedLeading = [this] { started_ = true; };
    cfg.onStoppedLeading = [this] { stopped_ = true; };
    cfg.writeFence = fence_;
    elector_ = std::make_unique<LeaderElector>(std::make_shared<FakeLeaseLock>(store_), cfg);
    thread_ = std::thread([this] { result_ = elector_->run(stop_) ? 1 : 0; });
  }
  void join() { thread_.join(); }
  void TearDown() override {
    store_->setHangRequests(false);
    stop_.requestStop();
    if (thread_.joinable()) thread_.join();
  }

  std::shared_ptr<LeaseStore> store_ = std::make_shared<LeaseStore>();
  WriteFencePtr fence_ = std::make_shared<WriteFence>();
  std::atomic<bool> started_{false}, stopped_{false};
  std::atomic<int> result_{-1};  // run()'s result: 1 true, 0 false, -1 not returned
  StopSignal stop_;
  std::unique_ptr<LeaderElector> elector_;
  std::thread thread_;
};

TEST_F(LeaderElectorRunTest, LosesLeadershipWhenRenewalsFailPastDeadline) {
  start();
  ASSERT_TRUE(eventually([&] { return started_.load(); }));
  {
    std::lock_guard<std::mutex> l(store_->mu);
    store_->failWrites = true;
  }
  ASSERT_TRUE(eventually([&] { return stopped_.load(); }));
  join();
  EXPECT_EQ(result_, 0);
}

// A leader cut off from the API server: its renewal hangs on a request that
// never returns. Another replica may take the Lease leaseDuration after it
// last saw a renewal; by then this one must have stopped writing, although
// its elector is still stuck in that request.
TEST_F(LeaderElectorRunTest, AHungRenewalStopsWritesBeforeTheLeaseCanBeTaken) {
  start();
  ASSERT_TRUE(eventually([&] { return started_.load() && fence_->isOpen(); }));
  const auto cutOff = std::chrono::steady_clock::now();
  // Requests counted in the same critical section that starts the hang: a
  // renewal sent in between would hang uncounted, and no other would start.
  const int requestsAtCut = [&] {
    std::lock_guard<std::mutex> l(store_->mu);
    store_->hangRequests = true;
    return store_->requests;
  }();
  // A renewal is under way and stuck (every 20 ms one starts).
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> l(store_->mu);
    return store_->requests > requestsAtCut;
  }));
  // The last renewal began before the cut: writes end renewDeadline (200 ms)
  // after it. Checked well before the earliest takeover (leaseDuration, 1 s).
  std::this_thread::sleep_until(cutOff + 600ms);
  EXPECT_FALSE(fence_->isOpen());
  EXPECT_FALSE(stopped_);  // the elector itself is still waiting on its request
  store_->setHangRequests(false);
  ASSERT_TRUE(eventually([&] { return stopped_.load(); }));
  join();
  EXPECT_EQ(result_, 0);
  EXPECT_FALSE(fence_->isOpen());
}

TEST_F(LeaderElectorRunTest, CleanStopReleasesTheLease) {
  start();
  ASSERT_TRUE(eventually([&] { return started_.load(); }));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> l(store_->mu);
    return store_->updates >= 2;  // renewing
  }));
  stop_.requestStop();
  join();
  EXPECT_EQ(result_, 1);
  EXPECT_TRUE(stopped_);
  std::lock_guard<std::mutex> l(store_->mu);
  EXPECT_EQ(store_->record->holderIdentity, "");
}

TEST_F(LeaderElectorRunTest, StopWhileWaitingToAcquireReturnsWithoutLeading) {
  LeaderElectionRecord other;
  other.holderIdentity = "other";
  other.leaseDurationSeconds = 3600;
  store_->record = other;
  start();
  ASSERT_TRUE(eventually([&] { return elector_->leader() == "other"; }));
  stop_.requestStop();
  join();
  EXPECT_FALSE(started_);
}

TEST(KubeLeaseLockTest, RecordRoundTripsThroughLeaseSpec) {
  LeaderElectionRecord r;
  r.holderIdentity = "h_1";
  r.leaseDurationSeconds = 15;
  parseRfc3339("2026-01-02T15:04:05.000001Z", &r.acquireTime);
  parseRfc3339("2026-01-02T15:04:07.5Z", &r.renewTime);
  r.leaseTransitions = 3;
  nlohmann::json spec = KubeLeaseLock::specFromRecord(r);
  EXPECT_EQ(spec["renewTime"], "2026-01-02T15:04:07.500000Z");
  EXPECT_EQ(KubeLeaseLock::recordFromLease({{"spec", spec}}), r);
  r.holderIdentity = "";
  EXPECT_FALSE(KubeLeaseLock::specFromRecord(r).contains("holderIdentity"));
}

}  // namespace
}  // namespace ctrl::leader
