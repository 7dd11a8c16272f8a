#include "controller/queue/controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <stdexcept>

#include "tests/support/eventually.h"
#include "tests/support/fake_clock.h"

namespace ctrl::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testsupport::eventually;
using testsupport::FakeClock;

// Scripted reconciler: the test decides the Result per call.
class ScriptedReconciler : public Reconciler {
 public:
  std::function<Result(const Request&, int call)> behavior = [](const Request&, int) {
    return Result::done();
  };
  Result reconcile(const Request& req) override {
    int n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      n = ++calls_[req.key()];
      requests_.push_back(req);
    }
    return behavior(req, n);
  }
  int calls(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[key];
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> calls_;
  std::vector<Request> requests_;
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerOptions options() {
    ControllerOptions o;
    o.workers = 2;
    o.clock = clock_;
    o.onReconcile = [this](const ReconcileObservation& obs) {
      std::lock_guard<std::mutex> lock(mu_);
      kinds_.push_back(obs.kind);
      EXPECT_EQ(obs.controller, "test");
    };
    return o;
  }
  std::vector<Result::Kind> kinds() {
    std::lock_guard<std::mutex> lock(mu_);
    return kinds_;
  }
  size_t observed() { return kinds().size(); }

  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  ScriptedReconciler reconciler_;
  std::mutex mu_;
  std::vector<Result::Kind> kinds_;
};

TEST(RequestTest, FromKeySplitsNamespaceAndName) {
  EXPECT_EQ(Request::fromKey("ns/a").ns, "ns");
  EXPECT_EQ(Request::fromKey("ns/a").name, "a");
  EXPECT_EQ(Request::fromKey("cluster-scoped").ns, "");
  EXPECT_EQ(Request::fromKey("cluster-scoped").name, "cluster-scoped");
  EXPECT_EQ(Request::fromKey("ns/a").key(), "ns/a");
}

TEST_F(ControllerTest, DoneForgetsTheBackoff) {
  reconciler_.behavior = [](const Request&, int call) {
    return call == 1 ? Result::error("transient") : Result::done();
  };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  ASSERT_TRUE(eventually([&] { return observed() == 1; }));
  EXPECT_EQ(c.queue().numRequeues("ns/a"), 1);
  clock_->advance(milliseconds(5));
  c.queue().promoteDue();
  ASSERT_TRUE(eventually([&] { return observed() == 2; }));
  EXPECT_EQ(c.queue().numRequeues("ns/a"), 0);
  EXPECT_THAT(kinds(), ::testing::ElementsAre(Result::Kind::kError, Result::Kind::kDone));
  EXPECT_EQ(reconciler_.requests()[0].ns, "ns");
  EXPECT_EQ(reconciler_.requests()[0].name, "a");
}

TEST_F(ControllerTest, RequeueAfterForgetsAndComesBackAfterTheDelay) {
  reconciler_.behavior = [](const Request&, int call) {
    return call == 1 ? Result::requeueAfter(seconds(10)) : Result::done();
  };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  ASSERT_TRUE(eventually([&] { return observed() == 1; }));
  ASSERT_TRUE(eventually([&] { return c.queue().stats().waiting == 1; }));
  EXPECT_EQ(c.queue().numRequeues("ns/a"), 0);
  clock_->advance(seconds(9));
  c.queue().promoteDue();
  EXPECT_EQ(c.queue().stats().waiting, 1u);
  clock_->advance(seconds(1));
  c.queue().promoteDue();
  ASSERT_TRUE(eventually([&] { return observed() == 2; }));
  EXPECT_EQ(reconciler_.calls("ns/a"), 2);
}

TEST_F(ControllerTest, ErrorsBackOffExponentiallyPerKey) {
  reconciler_.behavior = [](const Request&, int) { return Result::error("still failing"); };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(eventually([&] { return observed() == static_cast<size_t>(i); }));
    ASSERT_TRUE(eventually([&] { return c.queue().stats().waiting == 1; }));
    EXPECT_EQ(c.queue().numRequeues("ns/a"), i);
    const milliseconds due(5 << (i - 1));  // 5, 10, 20 ms
    clock_->advance(due - milliseconds(1));
    c.queue().promoteDue();
    EXPECT_EQ(c.queue().stats().waiting, 1u) << "retried before its backoff";
    clock_->advance(milliseconds(1));
    c.queue().promoteDue();
  }
}

TEST_F(ControllerTest, TerminalErrorIsNotRetried) {
  reconciler_.behavior = [](const Request&, int) { return Result::terminal("invalid spec"); };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  ASSERT_TRUE(eventually([&] { return observed() == 1; }));
  ASSERT_TRUE(eventually([&] { return c.queue().stats().processing == 0; }));
  auto st = c.queue().stats();
  EXPECT_EQ(st.waiting, 0u);
  EXPECT_EQ(st.depth, 0u);
  EXPECT_EQ(c.queue().numRequeues("ns/a"), 0);
  c.enqueue("ns/a");  // the object changed: it is reconciled again
  ASSERT_TRUE(eventually([&] { return observed() == 2; }));
}

TEST_F(ControllerTest, AnExceptionIsARetryableErrorAndTheWorkerSurvives) {
  reconciler_.behavior = [](const Request& req, int) -> Result {
    if (req.name == "bad") throw std::runtime_error("boom");
    if (req.name == "worse") throw 42;
    return Result::done();
  };
  ControllerOptions o = options();
  o.workers = 1;
  Controller c("test", reconciler_, o);
  c.start();
  c.enqueue("ns/bad");
  c.enqueue("ns/worse");
  c.enqueue("ns/good");
  ASSERT_TRUE(eventually([&] { return observed() == 3; }));
  EXPECT_THAT(kinds(), ::testing::ElementsAre(Result::Kind::kError, Result::Kind::kError,
                                              Result::Kind::kDone));
  EXPECT_EQ(c.queue().numRequeues("ns/bad"), 1);
  EXPECT_EQ(c.queue().numRequeues("ns/worse"), 1);
}

TEST_F(ControllerTest, StopWaitsForInFlightReconcilesUpToGrace) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> entered{false};
  reconciler_.behavior = [&](const Request&, int) {
    entered = true;
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return release; });
    return Result::done();
  };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  EXPECT_FALSE(c.stop(milliseconds(0)));  // still reconciling
  c.enqueue("ns/b");                      // no new work once stopping
  auto stopped = std::async(std::launch::async, [&] { return c.stop(seconds(30)); });
  {
    std::lock_guard<std::mutex> lock(m);
    release = true;
  }
  cv.notify_all();
  ASSERT_EQ(stopped.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_TRUE(stopped.get());
  EXPECT_EQ(reconciler_.calls("ns/b"), 0);
}

TEST_F(ControllerTest, WorkersReconcileDifferentKeysInParallel) {
  std::mutex m;
  std::condition_variable cv;
  int inside = 0;
  std::atomic<int> metAnother{0};
  reconciler_.behavior = [&](const Request&, int) {
    std::unique_lock<std::mutex> lock(m);
    ++inside;
    cv.notify_all();
    // Serial workers would make the first of these waits time out.
    if (cv.wait_for(lock, seconds(30), [&] { return inside >= 2; })) ++metAnother;
    return Result::done();
  };
  Controller c("test", reconciler_, options());
  c.start();
  c.enqueue("ns/a");
  c.enqueue("ns/b");
  ASSERT_TRUE(eventually([&] { return observed() == 2; }, seconds(90)));
  EXPECT_EQ(metAnother.load(), 2);
}

}  // namespace
}  // namespace ctrl::queue
