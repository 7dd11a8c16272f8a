#include "reconcilers/clusteragent/prober/probe_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "tests/mocks/prober/mock_tls_prober.h"
#include "tests/support/fake_clock.h"

namespace clusteragent::prober {
namespace {

using ::testing::_;
using ::testing::Invoke;
using ::testing::StrictMock;
using namespace std::chrono_literals;
using testsupport::FakeClock;

// Lets a test hold probes of some targets until it releases them.
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, 30s, [this] { return open_; });
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

struct Callback {
  std::string key;
  ProbeObservation obs;
  bool changed;
};

ProbeTarget targetFor(const std::string& host) {
  ProbeTarget t;
  t.host = host;
  t.port = 443;
  return t;
}

ProbeResult resultWith(ProbeReason reason, const std::string& message = "m") {
  ProbeResult r;
  r.reason = reason;
  r.message = message;
  return r;
}

class ProbeSchedulerTest : public ::testing::Test {
 protected:
  ~ProbeSchedulerTest() override { shutdown(); }

  void shutdown() {
    for (auto& g : gates_) g->open();  // never leave a worker parked
    if (scheduler_) scheduler_->stop();
  }
  // Declared in a test after the state its prober lambdas capture, so the
  // workers are gone before that state is (also when an ASSERT returns early).
  struct StopOnExit {
    ProbeSchedulerTest* test;
    ~StopOnExit() { test->shutdown(); }
  };
  StopOnExit stopOnExit() { return StopOnExit{this}; }

  void startScheduler(size_t workers = 4) {
    ProbeSchedulerOptions opts;
    opts.workers = workers;
    opts.interval = 60s;
    opts.jitter = 0;
    opts.maxIdleWait = 5ms;
    scheduler_ = std::make_unique<ProbeScheduler>(
        prober_, clock_, opts,
        [this](const std::string& key, const ProbeObservation& obs, bool changed) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            callbacks_.push_back({key, obs, changed});
          }
          cv_.notify_all();
        });
    scheduler_->start();
  }

  Gate& newGate() {
    gates_.push_back(std::make_unique<Gate>());
    return *gates_.back();
  }

  // Polls with a generous deadline: true once pred holds. pred runs with
  // mu_ held (it may read callbacks_ directly).
  bool waitUntil(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    std::unique_lock<std::mutex> lock(mu_);
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      cv_.wait_for(lock, 10ms);
    }
    return true;
  }
  // With mu_ held (inside a waitUntil predicate).
  size_t callbacksFor(const std::string& key) {
    return static_cast<size_t>(std::count_if(callbacks_.begin(), callbacks_.end(),
                                             [&](const Callback& c) { return c.key == key; }));
  }
  std::vector<Callback> callbacks() {
    std::lock_guard<std::mutex> lock(mu_);
    return callbacks_;
  }
  // Gives idle workers many chances to (wrongly) act; used only to check
  // something does NOT happen, never as a condition for passing.
  void letWorkersSpin() { std::this_thread::sleep_for(100ms); }

  std::shared_ptr<StrictMock<MockTlsProber>> prober_ =
      std::make_shared<StrictMock<MockTlsProber>>();
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  std::unique_ptr<ProbeScheduler> scheduler_;
  // Owned here so they outlive the workers that may wait on them.
  std::vector<std::unique_ptr<Gate>> gates_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Callback> callbacks_;
};

TEST_F(ProbeSchedulerTest, NewTargetIsProbedRightAwayAndReported) {
  EXPECT_CALL(*prober_, probe(targetFor("a.example"))).WillOnce(Invoke([](const ProbeTarget&) {
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  EXPECT_FALSE(scheduler_->latest("ns/a").has_value());

  scheduler_->schedule("ns/a", targetFor("a.example"));
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));

  const auto cbs = callbacks();
  EXPECT_TRUE(cbs[0].changed);
  EXPECT_EQ(cbs[0].obs.result.reason, ProbeReason::kReachable);
  EXPECT_EQ(cbs[0].obs.probeTime, clock_->wallNow());
  auto latest = scheduler_->latest("ns/a");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->result.reason, ProbeReason::kReachable);
}

TEST_F(ProbeSchedulerTest, ProbesAgainEachIntervalAndFlagsOnlyChanges) {
  std::atomic<int> calls{0};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget&) {
    // Reachable, Reachable, then Timeout.
    return resultWith(++calls < 3 ? ProbeReason::kReachable : ProbeReason::kTimeout);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  scheduler_->schedule("ns/a", targetFor("a.example"));
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));

  clock_->advance(30s);
  letWorkersSpin();
  EXPECT_EQ(calls.load(), 1) << "probed before the interval elapsed";

  clock_->advance(31s);
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 2; }));
  clock_->advance(61s);
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 3; }));

  const auto cbs = callbacks();
  EXPECT_TRUE(cbs[0].changed);
  EXPECT_FALSE(cbs[1].changed);  // same reason and message
  EXPECT_TRUE(cbs[2].changed);
  EXPECT_EQ(scheduler_->latest("ns/a")->result.reason, ProbeReason::kTimeout);
}

TEST_F(ProbeSchedulerTest, SameTargetKeepsItsScheduleChangedTargetIsProbedRightAway) {
  std::vector<ProbeTarget> seen;
  std::mutex seenMu;
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget& t) {
    std::lock_guard<std::mutex> lock(seenMu);
    seen.push_back(t);
    return resultWith(t.caPem.empty() ? ProbeReason::kCertificateUntrusted
                                      : ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  ProbeTarget t = targetFor("a.example");
  scheduler_->schedule("ns/a", t);
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));

  scheduler_->schedule("ns/a", t);  // every reconcile does this
  letWorkersSpin();
  EXPECT_EQ(callbacks().size(), 1u);

  t.caPem = "-----BEGIN CERTIFICATE-----...";  // the CA Secret was fixed
  scheduler_->schedule("ns/a", t);
  // Right after: nothing yet, or already the new target's result; never the old one's.
  const auto rightAfter = scheduler_->latest("ns/a");
  EXPECT_TRUE(!rightAfter || rightAfter->result.reason == ProbeReason::kReachable)
      << "a result for the old target survived";
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 2; }));  // no clock advance needed
  EXPECT_EQ(scheduler_->latest("ns/a")->result.reason, ProbeReason::kReachable);
  std::lock_guard<std::mutex> lock(seenMu);
  EXPECT_EQ(seen.back(), t);
}

TEST_F(ProbeSchedulerTest, RemoveStopsProbing) {
  std::atomic<int> calls{0};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget&) {
    ++calls;
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  scheduler_->schedule("ns/a", targetFor("a.example"));
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));

  scheduler_->remove("ns/a");
  EXPECT_EQ(scheduler_->size(), 0u);
  EXPECT_FALSE(scheduler_->latest("ns/a").has_value());
  clock_->advance(10min);
  letWorkersSpin();
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ProbeSchedulerTest, SlowTargetDoesNotDelayOthers) {
  Gate& slowGate = newGate();
  std::atomic<bool> slowStarted{false};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget& t) {
    if (t.host == "slow.example") {
      slowStarted = true;
      slowGate.wait();  // hangs like a black-holed address until released
      return resultWith(ProbeReason::kTimeout);
    }
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler(2);
  scheduler_->schedule("ns/slow", targetFor("slow.example"));
  ASSERT_TRUE(waitUntil([&] { return slowStarted.load(); }));

  scheduler_->schedule("ns/fast", targetFor("fast.example"));
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/fast") == 1; }));
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_EQ(callbacksFor("ns/slow"), 0u) << "the slow probe was still hanging";
  }

  // And the fast one keeps its schedule while the slow one hangs.
  clock_->advance(61s);
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/fast") == 2; }));

  slowGate.open();
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/slow") == 1; }));
}

TEST_F(ProbeSchedulerTest, ConcurrencyIsBoundedByTheWorkerCount) {
  Gate& gate = newGate();
  std::atomic<int> inFlight{0}, maxInFlight{0}, started{0};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget&) {
    const int now = ++inFlight;
    int prev = maxInFlight.load();
    while (prev < now && !maxInFlight.compare_exchange_weak(prev, now)) {
    }
    ++started;
    gate.wait();
    --inFlight;
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler(2);
  for (int i = 0; i < 6; ++i) {
    scheduler_->schedule("ns/a" + std::to_string(i), targetFor("h" + std::to_string(i)));
  }
  ASSERT_TRUE(waitUntil([&] { return started.load() == 2; }));
  letWorkersSpin();
  EXPECT_EQ(started.load(), 2);

  gate.open();
  ASSERT_TRUE(waitUntil([&] { return callbacks_.size() == 6; }));
  EXPECT_EQ(maxInFlight.load(), 2);
}

TEST_F(ProbeSchedulerTest, ResultOfATargetReplacedWhileInFlightIsDropped) {
  Gate& oldGate = newGate();
  std::atomic<bool> oldStarted{false};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget& t) {
    if (t.host == "old.example") {
      oldStarted = true;
      oldGate.wait();
      return resultWith(ProbeReason::kDNSError);
    }
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  scheduler_->schedule("ns/a", targetFor("old.example"));
  ASSERT_TRUE(waitUntil([&] { return oldStarted.load(); }));
  scheduler_->schedule("ns/a", targetFor("new.example"));
  oldGate.open();

  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));
  const auto cbs = callbacks();
  ASSERT_EQ(cbs.size(), 1u);
  EXPECT_EQ(cbs[0].obs.result.reason, ProbeReason::kReachable);
  EXPECT_EQ(scheduler_->latest("ns/a")->result.reason, ProbeReason::kReachable);
}

TEST_F(ProbeSchedulerTest, AKeyRemovedAndAddedAgainWhileInFlightIsProbedOnOneSchedule) {
  Gate& oldGate = newGate();
  std::atomic<bool> oldStarted{false};
  std::atomic<int> newProbes{0};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget& t) {
    if (t.host == "old.example") {
      oldStarted = true;
      oldGate.wait();
      return resultWith(ProbeReason::kDNSError);
    }
    ++newProbes;
    return resultWith(ProbeReason::kReachable);
  }));
  const auto stopper = stopOnExit();
  startScheduler();
  scheduler_->schedule("ns/a", targetFor("old.example"));
  ASSERT_TRUE(waitUntil([&] { return oldStarted.load(); }));
  scheduler_->remove("ns/a");
  scheduler_->schedule("ns/a", targetFor("new.example"));
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 1; }));
  oldGate.open();  // the old probe ends after the new entry's first one
  letWorkersSpin();
  ASSERT_EQ(callbacks().size(), 1u) << "the removed entry's result was reported";
  EXPECT_EQ(scheduler_->latest("ns/a")->result.reason, ProbeReason::kReachable);

  // One schedule, not two: an interval later the key is probed exactly once more.
  clock_->advance(61s);
  ASSERT_TRUE(waitUntil([&] { return callbacksFor("ns/a") == 2; }));
  letWorkersSpin();
  EXPECT_EQ(newProbes.load(), 2);
  EXPECT_EQ(scheduler_->size(), 1u);
}

TEST_F(ProbeSchedulerTest, RunProbesUntilStopIsSignalled) {
  std::atomic<int> calls{0};
  EXPECT_CALL(*prober_, probe(_)).WillRepeatedly(Invoke([&](const ProbeTarget&) {
    ++calls;
    return resultWith(ProbeReason::kReachable);
  }));
  ProbeScheduler scheduler(prober_, clock_, ProbeSchedulerOptions{}, nullptr);
  ctrl::StopSignal stop;
  std::thread runner([&] { scheduler.run(stop); });
  scheduler.schedule("ns/a", targetFor("a.example"));
  ASSERT_TRUE(waitUntil([&] { return scheduler.latest("ns/a").has_value(); }))
      << "run() did not start the workers";
  stop.requestStop();
  runner.join();  // hangs (and the test times out) if run ignores the signal
  const int after = calls.load();
  clock_->advance(10min);
  letWorkersSpin();
  EXPECT_EQ(calls.load(), after) << "probed after stop";
}

TEST(ObservationChangedTest, ComparesReasonMessageAndExpiryOnly) {
  ProbeObservation a{resultWith(ProbeReason::kReachable, "ok"), {}};
  a.result.certificateNotAfter = std::chrono::system_clock::time_point(std::chrono::hours(10));
  EXPECT_TRUE(observationChanged(std::nullopt, a));

  ProbeObservation same = a;
  same.probeTime += 1min;
  same.result.duration = 15ms;
  same.result.resolvedAddress = "10.0.0.1:443";
  EXPECT_FALSE(observationChanged(a, same));

  ProbeObservation renewed = a;
  renewed.result.certificateNotAfter =
      std::chrono::system_clock::time_point(std::chrono::hours(20));
  EXPECT_TRUE(observationChanged(a, renewed));

  ProbeObservation otherMessage = a;
  otherMessage.result.message = "different";
  EXPECT_TRUE(observationChanged(a, otherMessage));
}

}  // namespace
}  // namespace clusteragent::prober
