#include "controller/queue/work_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "tests/support/eventually.h"
#include "tests/support/fake_clock.h"

namespace ctrl::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testsupport::eventually;
using testsupport::FakeClock;

class WorkQueueTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  WorkQueue q_{"test", clock_};
};

TEST_F(WorkQueueTest, QueuedKeyIsQueuedOnce) {
  q_.add("a");
  q_.add("a");
  q_.add("b");
  EXPECT_EQ(q_.len(), 2u);
  EXPECT_EQ(q_.get(), "a");
  EXPECT_EQ(q_.get(), "b");
  EXPECT_EQ(q_.len(), 0u);
  EXPECT_EQ(q_.stats().adds, 2u);
}

TEST_F(WorkQueueTest, AddWhileProcessingRequeuesOnDone) {
  q_.add("a");
  ASSERT_EQ(q_.get(), "a");
  q_.add("a");
  q_.add("a");
  EXPECT_EQ(q_.len(), 0u);  // not handed to a second worker meanwhile
  q_.done("a");
  EXPECT_EQ(q_.len(), 1u);
  EXPECT_EQ(q_.get(), "a");
  q_.done("a");
  EXPECT_EQ(q_.len(), 0u);
}

TEST_F(WorkQueueTest, DoneWithoutChangeDoesNotRequeue) {
  q_.add("a");
  ASSERT_EQ(q_.get(), "a");
  q_.done("a");
  EXPECT_EQ(q_.len(), 0u);
  q_.done("unknown");  // harmless
}

TEST(WorkQueueConcurrencyTest, OneWorkerPerKeyAndTheLastChangeIsAlwaysProcessed) {
  WorkQueue q("concurrent");
  constexpr int kKeys = 5;
  constexpr int kWorkers = 4;
  constexpr int kAddsPerKey = 400;
  std::mutex mu;
  std::set<std::string> active;
  std::map<std::string, int> version, seen;
  std::atomic<int> overlaps{0};

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!active.insert(*key).second) ++overlaps;
          seen[*key] = version[*key];
        }
        std::this_thread::yield();
        {
          std::lock_guard<std::mutex> lock(mu);
          active.erase(*key);
        }
        q.done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kAddsPerKey; ++i) {
        for (int k = p; k < kKeys; k += 2) {
          std::string key = "k" + std::to_string(k);
          {
            std::lock_guard<std::mutex> lock(mu);
            ++version[key];
          }
          q.add(key);
        }
      }
    });
  }
  for (auto& t : producers) t.join();
  // Every key's final change is picked up by some worker after it was made.
  EXPECT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    for (int k = 0; k < kKeys; ++k) {
      std::string key = "k" + std::to_string(k);
      if (seen[key] != version[key]) return false;
    }
    return true;
  }));
  EXPECT_TRUE(q.shutDownWithDrain(seconds(30)));
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
}

TEST_F(WorkQueueTest, AddAfterHoldsKeysUntilTheirTimeInDeadlineOrder) {
  q_.addAfter("a", milliseconds(100));
  q_.addAfter("b", milliseconds(50));
  q_.addAfter("c", milliseconds(100));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 0u);
  EXPECT_EQ(q_.stats().waiting, 3u);
  clock_->advance(milliseconds(50));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 1u);
  clock_->advance(milliseconds(50));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 3u);
  EXPECT_EQ(q_.get(), "b");
  EXPECT_EQ(q_.get(), "a");
  EXPECT_EQ(q_.get(), "c");
}

TEST_F(WorkQueueTest, EarlierAddAfterWinsAndLaterOneIsNotDuplicated) {
  q_.addAfter("a", milliseconds(100));
  q_.addAfter("a", milliseconds(10));
  q_.addAfter("a", milliseconds(500));  // does not postpone
  clock_->advance(milliseconds(10));
  q_.promoteDue();
  ASSERT_EQ(q_.len(), 1u);
  ASSERT_EQ(q_.get(), "a");
  q_.done("a");
  clock_->advance(seconds(1));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 0u);
}

TEST_F(WorkQueueTest, ZeroDelayAddsAtOnce) {
  q_.addAfter("a", milliseconds(0));
  EXPECT_EQ(q_.len(), 1u);
}

TEST_F(WorkQueueTest, DelayThreadNoticesASimulatedClockAdvance) {
  q_.addAfter("a", seconds(5));
  clock_->advance(seconds(5));
  EXPECT_TRUE(eventually([&] { return q_.len() == 1; }));
}

TEST(WorkQueueRealClockTest, AddAfterDeliversToABlockedGet) {
  WorkQueue q("real");
  auto got = std::async(std::launch::async, [&] { return q.get(); });
  q.addAfter("a", milliseconds(20));
  ASSERT_EQ(got.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

TEST_F(WorkQueueTest, AddRateLimitedBacksOffPerKeyUntilForgotten) {
  q_.addRateLimited("a");
  EXPECT_EQ(q_.numRequeues("a"), 1);
  EXPECT_EQ(q_.len(), 0u);
  clock_->advance(milliseconds(5));
  q_.promoteDue();
  ASSERT_EQ(q_.len(), 1u);
  ASSERT_EQ(q_.get(), "a");
  q_.done("a");
  q_.addRateLimited("a");  // second failure: 10 ms
  clock_->advance(milliseconds(9));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 0u);
  clock_->advance(milliseconds(1));
  q_.promoteDue();
  EXPECT_EQ(q_.len(), 1u);
  EXPECT_EQ(q_.stats().retries, 2u);
  q_.forget("a");
  EXPECT_EQ(q_.numRequeues("a"), 0);
}

TEST_F(WorkQueueTest, ShutDownUnblocksGetAndIgnoresAdds) {
  auto got = std::async(std::launch::async, [&] { return q_.get(); });
  q_.shutDown();
  ASSERT_EQ(got.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_EQ(got.get(), std::nullopt);
  q_.add("a");
  q_.addAfter("b", milliseconds(1));
  EXPECT_EQ(q_.len(), 0u);
  EXPECT_EQ(q_.get(), std::nullopt);
  EXPECT_TRUE(q_.shuttingDown());
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsForKeysInFlight) {
  q_.add("a");
  ASSERT_EQ(q_.get(), "a");
  EXPECT_FALSE(q_.shutDownWithDrain(milliseconds(0)));
  auto drained = std::async(std::launch::async, [&] { return q_.shutDownWithDrain(seconds(30)); });
  EXPECT_EQ(q_.stats().processing, 1u);
  q_.done("a");
  ASSERT_EQ(drained.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_TRUE(drained.get());
}

TEST(WorkQueueMetricsTest, ReportsAddsDepthLatencyAndWorkDuration) {
  auto clock = std::make_shared<FakeClock>();
  std::atomic<int> adds{0}, retries{0};
  std::atomic<size_t> depth{0};
  std::atomic<double> latency{-1}, work{-1};
  WorkQueueMetrics m;
  m.add = [&] { ++adds; };
  m.retry = [&] { ++retries; };
  m.depth = [&](size_t d) { depth = d; };
  m.queueLatency = [&](std::chrono::duration<double> d) { latency = d.count(); };
  m.workDuration = [&](std::chrono::duration<double> d) { work = d.count(); };
  WorkQueue q("metrics", clock, {}, m);
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(adds.load(), 2);
  EXPECT_EQ(depth.load(), 2u);
  clock->advance(seconds(3));
  ASSERT_EQ(q.get(), "a");
  EXPECT_DOUBLE_EQ(latency.load(), 3.0);
  EXPECT_EQ(depth.load(), 1u);
  clock->advance(seconds(2));
  q.done("a");
  EXPECT_DOUBLE_EQ(work.load(), 2.0);
  q.addRateLimited("a");
  EXPECT_EQ(retries.load(), 1);
}

}  // namespace
}  // namespace ctrl::queue
