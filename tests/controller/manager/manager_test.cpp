#include "controller/manager/manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/mocks/kube/mock_kube_client.h"
#include "tests/mocks/leader/fake_lease_lock.h"
#include "tests/support/eventually.h"

namespace ctrl::manager {
namespace {

using namespace std::chrono_literals;
using leader::fakes::FakeLeaseLock;
using leader::fakes::LeaseStore;
using ::testing::_;
using ::testing::NiceMock;
using testsupport::eventually;

// Records the order things happen in.
struct Journal {
  std::mutex mu;
  std::vector<std::string> entries;
  void add(const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    entries.push_back(e);
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> l(mu);
    return entries;
  }
  bool has(const std::string& e) {
    auto v = get();
    return std::find(v.begin(), v.end(), e) != v.end();
  }
};

ManagerOptions noServer() {
  ManagerOptions o;
  o.metricsBindAddress = "0";
  o.healthProbeBindAddress = "0";
  o.gracefulShutdownTimeout = 10s;
  return o;
}

leader::LeaderElectionConfig fastElection(const std::string& id) {
  leader::LeaderElectionConfig c;
  c.identity = id;
  c.leaseDuration = 1000ms;
  c.renewDeadline = 200ms;
  c.retryPeriod = 20ms;
  return c;
}

// noServer() with leader election as candidate "a" on `store`.
ManagerOptions electing(const std::shared_ptr<LeaseStore>& store) {
  ManagerOptions o = noServer();
  o.leaderElection = true;
  o.leaseLock = std::make_shared<FakeLeaseLock>(store);
  o.leaderElectionConfig = fastElection("a");
  return o;
}

void addRecordingRunnable(Manager& m, Journal& j, const std::string& name, bool needsLeader) {
  m.addRunnable(
      name,
      [&j, name](const StopSignal& s) {
        j.add(name + " started");
        s.wait();
        j.add(name + " stopped");
      },
      needsLeader);
}

TEST(ManagerTest, StartsCachesBeforeControllersAndStopsInReverse) {
  Journal j;
  std::atomic<bool> synced{false};
  Manager m(noServer());
  m.addCache(
      "agents", [&] { j.add("cache started"); },
      [&](std::chrono::milliseconds) {
        synced = true;
        j.add("cache synced");
        return true;
      },
      [&] { j.add("cache stopped"); });
  addRecordingRunnable(m, j, "controller", true);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return j.has("controller started"); }));
  EXPECT_TRUE(m.cachesSynced());
  EXPECT_TRUE(m.isLeader());
  stop.requestStop();
  t.join();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(j.get(),
            (std::vector<std::string>{"cache started", "cache synced", "controller started",
                                      "controller stopped", "cache stopped"}));
}

TEST(ManagerTest, CacheThatNeverSyncsFailsWithoutStartingControllers) {
  Journal j;
  Manager m(noServer());
  m.addCache(
      "agents", nullptr, [](std::chrono::milliseconds) { return false; }, nullptr);
  addRecordingRunnable(m, j, "controller", true);
  StopSignal stop;
  EXPECT_EQ(m.run(stop), 1);
  EXPECT_FALSE(j.has("controller started"));
}

TEST(ManagerTest, StopWhileWaitingForCacheSyncIsClean) {
  Journal j;
  StopSignal stop;
  Manager m(noServer());
  m.addCache(
      "agents", nullptr,
      [&](std::chrono::milliseconds) {
        stop.requestStop();  // e.g. SIGTERM arrives while listing
        return false;
      },
      nullptr);
  addRecordingRunnable(m, j, "controller", true);
  EXPECT_EQ(m.run(stop), 0);
  EXPECT_FALSE(j.has("controller started"));
}

TEST(ManagerTest, OnlyTheLeaderRunsLeaderRunnablesAndLosingLeaseExitsNonZero) {
  auto store = std::make_shared<LeaseStore>();
  Journal j;
  Registry registry;
  ManagerOptions o = electing(store);
  o.registry = &registry;
  Manager m(o);
  addRecordingRunnable(m, j, "controller", true);
  addRecordingRunnable(m, j, "everywhere", false);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return j.has("controller started"); }));
  EXPECT_TRUE(m.isLeader());
  EXPECT_EQ(
      registry.gauge("leader_election_master_status", "").value({{"name", o.leaderElectionId}}), 1);
  {
    std::lock_guard<std::mutex> l(store->mu);
    store->failWrites = true;  // renewals fail past the renew deadline
  }
  t.join();
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(j.has("controller stopped"));
  EXPECT_TRUE(j.has("everywhere stopped"));
  EXPECT_EQ(
      registry.gauge("leader_election_master_status", "").value({{"name", o.leaderElectionId}}), 0);
}

TEST(ManagerTest, FollowerRunsNonLeaderRunnablesOnlyAndReleasesNothing) {
  auto store = std::make_shared<LeaseStore>();
  leader::LeaderElectionRecord other;
  other.holderIdentity = "other";
  other.leaseDurationSeconds = 3600;
  store->record = other;
  Journal j;
  ManagerOptions o = electing(store);
  Manager m(o);
  addRecordingRunnable(m, j, "controller", true);
  addRecordingRunnable(m, j, "everywhere", false);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return j.has("everywhere started"); }));
  ASSERT_TRUE(eventually([&] { return m.cachesSynced(); }));
  stop.requestStop();
  t.join();
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(j.has("controller started"));
  std::lock_guard<std::mutex> l(store->mu);
  EXPECT_EQ(store->record->holderIdentity, "other");
}

TEST(ManagerTest, CleanStopStopsControllersBeforeReleasingTheLease) {
  auto store = std::make_shared<LeaseStore>();
  std::string holderWhenControllerStopped;
  ManagerOptions o = electing(store);
  Manager m(o);
  std::atomic<bool> started{false};
  m.addRunnable(
      "controller",
      [&](const StopSignal& s) {
        started = true;
        s.wait();
        std::this_thread::sleep_for(50ms);  // an in-flight reconcile finishing
        std::lock_guard<std::mutex> l(store->mu);
        holderWhenControllerStopped = store->record->holderIdentity;
      },
      true);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  stop.requestStop();
  t.join();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(holderWhenControllerStopped, "a");
  std::lock_guard<std::mutex> l(store->mu);
  EXPECT_EQ(store->record->holderIdentity, "");
}

TEST(ManagerTest, RunnableThatOverrunsGracePeriodMakesExitNonZero) {
  ManagerOptions o = noServer();
  o.gracefulShutdownTimeout = 50ms;
  Manager m(o);
  auto release = std::make_shared<StopSignal>();
  std::atomic<bool> started{false};
  m.addRunnable(
      "stuck",
      [release, &started](const StopSignal&) {
        started = true;
        release->wait();
      },
      true);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  stop.requestStop();
  t.join();
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(m.abandonedThreads());
  release->requestStop();  // let the detached thread finish
}

// An API client whose shutdown() is observable: a reconcile "waiting on a
// request" waits on `cancelled`.
struct ObservedClient {
  std::shared_ptr<NiceMock<kube::MockKubeClient>> mock =
      std::make_shared<NiceMock<kube::MockKubeClient>>();
  std::shared_ptr<StopSignal> cancelled = std::make_shared<StopSignal>();
  ObservedClient() {
    auto c = cancelled;
    ON_CALL(*mock, shutdown()).WillByDefault([c] { c->requestStop(); });
  }
};

TEST(ManagerTest, LosingTheLeaseFencesWritesAtOnceAndSkipsTheDrain) {
  auto store = std::make_shared<LeaseStore>();
  ObservedClient client;
  ManagerOptions o = electing(store);
  o.client = client.mock;
  o.gracefulShutdownTimeout = 20s;
  Manager m(o);
  auto writer = m.fencedClient();
  std::atomic<bool> started{false};
  std::atomic<int> writeAfterLoss{-1};
  m.addRunnable(
      "controller",
      [&](const StopSignal& s) {
        started = true;
        s.wait();
        // An in-flight reconcile about to write, then waiting on a request.
        auto r = writer->patch(kube::resources::kConfigMaps, "ns", "x", kube::PatchType::kMerge,
                               kube::json::object());
        writeAfterLoss = static_cast<int>(r.status().code());
        client.cancelled->waitFor(60s);
      },
      true);
  EXPECT_CALL(*client.mock, patch(_, _, _, _, _, _)).Times(0);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return started.load() && m.writeFence()->isOpen(); }));
  const auto lost = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> l(store->mu);
    store->failWrites = true;
  }
  t.join();
  EXPECT_EQ(code, 1);
  EXPECT_EQ(writeAfterLoss, static_cast<int>(kube::Code::kCancelled));
  EXPECT_TRUE(client.cancelled->stopRequested());
  // Not half of the 20 s grace period: the client was shut down at once.
  EXPECT_LT(std::chrono::steady_clock::now() - lost, 8s);
}

TEST(ManagerTest, ACleanStopCancelsRequestsStillRunningAfterHalfTheGracePeriod) {
  ObservedClient client;
  ManagerOptions o = noServer();
  o.client = client.mock;
  o.gracefulShutdownTimeout = 2s;
  Manager m(o);
  std::atomic<bool> started{false};
  std::atomic<bool> cancelledEarly{false};
  m.addRunnable(
      "controller",
      [&](const StopSignal& s) {
        started = true;
        s.wait();
        // Still within the first half: in-flight requests are left alone.
        cancelledEarly = client.cancelled->waitFor(500ms);
        client.cancelled->waitFor(60s);
      },
      true);
  StopSignal stop;
  std::atomic<int> code{-1};
  std::thread t([&] { code = m.run(stop); });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  EXPECT_TRUE(m.writeFence()->isOpen());  // no leader election: open while running
  stop.requestStop();
  t.join();
  EXPECT_EQ(code, 0);  // everything ended within the grace period
  EXPECT_FALSE(cancelledEarly);
  EXPECT_TRUE(client.cancelled->stopRequested());
  EXPECT_FALSE(m.writeFence()->isOpen());
  EXPECT_FALSE(m.abandonedThreads());
}

TEST(ManagerTest, RunnableReturningEarlyIsFatal) {
  Manager m(noServer());
  m.addRunnable(
      "quitter", [](const StopSignal&) {}, true);
  StopSignal stop;
  EXPECT_EQ(m.run(stop), 1);
}

TEST(ManagerTest, ServerBindFailureIsFatal) {
  ManagerOptions o = noServer();
  o.metricsBindAddress = "not-an-address";
  Manager m(o);
  StopSignal stop;
  EXPECT_EQ(m.run(stop), 1);
}

}  // namespace
}  // namespace ctrl::manager
