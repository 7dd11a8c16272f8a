#include "controller/cache/reflector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "tests/mocks/kube/mock_kube_client.h"
#include "tests/mocks/kube/scripted_watch_stream.h"
#include "tests/support/eventually.h"

namespace ctrl::cache {
namespace {

using kube::Code;
using kube::ListOptions;
using kube::MockKubeClient;
using kube::ScriptedWatchStream;
using kube::Status;
using kube::StatusOr;
using kube::WatchEvent;
using kube::WatchOptions;
using kube::WatchStreamPtr;
using std::chrono::milliseconds;
using ::testing::_;
using ::testing::AllOf;
using ::testing::ByMove;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Ge;
using ::testing::InSequence;
using ::testing::Lt;
using ::testing::Return;
using ::testing::StrictMock;
using testsupport::eventually;

const kube::Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};

json cm(const std::string& name, const std::string& rv, json data = json::object()) {
  return {{"metadata", {{"namespace", "ns"}, {"name", name}, {"resourceVersion", rv}}},
          {"data", std::move(data)}};
}

json page(std::vector<json> items, const std::string& rv, const std::string& cont = "") {
  json list = {{"kind", "ConfigMapList"},
               {"apiVersion", "v1"},
               {"metadata", {{"resourceVersion", rv}}},
               {"items", json::array()}};
  if (!cont.empty()) list["metadata"]["continue"] = cont;
  for (auto& i : items) list["items"].push_back(std::move(i));
  return list;
}

json bookmark(const std::string& rv) {
  return {{"kind", "ConfigMap"}, {"apiVersion", "v1"}, {"metadata", {{"resourceVersion", rv}}}};
}

auto watchFrom(const std::string& rv) {
  return AllOf(Field(&WatchOptions::resourceVersion, rv),
               Field(&WatchOptions::allowWatchBookmarks, true));
}

auto stream() {
  return std::make_unique<ScriptedWatchStream>();
}

// A watch that stays open and quiet until the reflector is stopped.
auto quietWatch(std::atomic<int>* opened = nullptr) {
  return [opened](auto&&...) -> StatusOr<WatchStreamPtr> {
    if (opened) ++*opened;
    return WatchStreamPtr(std::make_unique<ScriptedWatchStream>());
  };
}

class ReflectorTest : public ::testing::Test {
 protected:
  ReflectorOptions options() {
    ReflectorOptions o;
    o.resource = kConfigMaps;
    o.ns = "ns";
    o.pageSize = 2;
    o.sleep = [this](milliseconds d) {
      std::lock_guard<std::mutex> lock(mu_);
      sleeps_.push_back(d);
      return false;
    };
    return o;
  }

  ReflectorSink sink() {
    ReflectorSink s;
    s.onAdd = [this](const ObjectPtr& o) { record("add " + objectKey(*o)); };
    s.onUpdate = [this](const ObjectPtr& a, const ObjectPtr& b) {
      record("update " + objectKey(*b) + " " + a->at("metadata").value("resourceVersion", "") +
             "->" + b->at("metadata").value("resourceVersion", ""));
    };
    s.onDelete = [this](const ObjectPtr& o) { record("delete " + objectKey(*o)); };
    s.onRestart = [this](const std::string& why) { record("restart: " + why); };
    return s;
  }

  void start(ReflectorOptions o) {
    reflector_ = std::make_unique<Reflector>(client_, std::move(o), store_, sink());
    thread_ = std::thread([this] { reflector_->run(stop_); });
  }

  // Stops the reflector and requires run() to return promptly.
  void stopReflector() {
    if (!thread_.joinable()) return;
    stop_.requestStop();
    reflector_->interrupt();
    auto joined = std::async(std::launch::async, [this] { thread_.join(); });
    ASSERT_EQ(joined.wait_for(std::chrono::seconds(30)), std::future_status::ready)
        << "reflector did not stop";
  }

  void TearDown() override { stopReflector(); }

  void record(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<milliseconds> sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

  std::shared_ptr<StrictMock<MockKubeClient>> client_ =
      std::make_shared<StrictMock<MockKubeClient>>();
  Store store_;
  StopSignal stop_;
  std::unique_ptr<Reflector> reflector_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> events_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(ReflectorTest, ListsInPagesThenAppliesWatchEventsFromListVersion) {
  {
    InSequence seq;
    EXPECT_CALL(*client_,
                list(kConfigMaps, "ns",
                     AllOf(Field(&ListOptions::limit, 2), Field(&ListOptions::continueToken, ""))))
        .WillOnce(Return(page({cm("a", "1"), cm("b", "2")}, "10", "tok-1")));
    EXPECT_CALL(*client_, list(kConfigMaps, "ns", Field(&ListOptions::continueToken, "tok-1")))
        .WillOnce(Return(page({cm("c", "3")}, "10")));
    auto s = stream();
    s->event(WatchEvent::Type::kAdded, cm("d", "11"))
        .event(WatchEvent::Type::kModified, cm("a", "12"))
        .event(WatchEvent::Type::kDeleted, cm("b", "13"));
    EXPECT_CALL(*client_, watch(kConfigMaps, "ns",
                                AllOf(watchFrom("10"), Field(&WatchOptions::timeoutSeconds,
                                                             AllOf(Ge(300), Lt(600))))))
        .WillOnce(kube::openStream(std::move(s)));
  }
  start(options());

  ASSERT_TRUE(eventually([&] { return reflector_->lastResourceVersion() == "13"; }));
  EXPECT_TRUE(reflector_->hasSynced());
  EXPECT_EQ(reflector_->lists(), 1u);
  EXPECT_THAT(store_.keys(), ElementsAre("ns/a", "ns/c", "ns/d"));
  EXPECT_EQ(store_.get("ns/a")->at("metadata")["resourceVersion"], "12");
  EXPECT_EQ(store_.get("ns/c")->at("kind"), "ConfigMap");  // list items get kind/apiVersion
  EXPECT_THAT(events(), ElementsAre("add ns/a", "add ns/b", "add ns/c", "add ns/d",
                                    "update ns/a 1->12", "delete ns/b"));
  EXPECT_THAT(sleeps(), ElementsAre());
}

TEST_F(ReflectorTest, BookmarkAdvancesVersionAndStreamEndResumesFromIt) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
    auto s = stream();
    s->event(WatchEvent::Type::kAdded, cm("a", "6"))
        .event(WatchEvent::Type::kBookmark, bookmark("9"))
        .end();
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("9"))).WillOnce(quietWatch(&quiet));
  }
  start(options());

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(reflector_->lists(), 1u);  // resumed, not relisted
  EXPECT_THAT(events(), ElementsAre("add ns/a", "restart: watch ended"));
  EXPECT_THAT(sleeps(), ElementsAre());
}

TEST_F(ReflectorTest, GoneErrorEventRelistsAndReportsWhatChangedMeanwhile) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1"), cm("b", "1")}, "10")));
    auto s = stream();
    s->event(WatchEvent::Type::kError,
             {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}});
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _))
        .WillOnce(Return(page({cm("b", "12"), cm("c", "12")}, "20")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("20"))).WillOnce(quietWatch(&quiet));
  }
  start(options());

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(reflector_->lists(), 2u);
  EXPECT_THAT(store_.keys(), ElementsAre("ns/b", "ns/c"));
  EXPECT_THAT(events(), ElementsAre("add ns/a", "add ns/b", "restart: resource version too old",
                                    "delete ns/a", "add ns/c", "update ns/b 1->12"));
  EXPECT_THAT(sleeps(), ElementsAre());
}

TEST_F(ReflectorTest, GoneWhenOpeningOrReadingTheWatchRelists) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1")}, "10")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10")))
        .WillOnce(Return(ByMove(StatusOr<WatchStreamPtr>(Status(Code::kGone, "too old")))));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1")}, "11")));
    auto s = stream();
    s->fail(Status(Code::kGone, "too old"));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("11"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "12")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("12"))).WillOnce(quietWatch(&quiet));
  }
  start(options());

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(reflector_->lists(), 3u);
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_THAT(events(), ElementsAre("add ns/a", "restart: resource version too old",
                                    "restart: resource version too old", "delete ns/a"));
}

// KubeClient::shutdown(): every later request is kCancelled. The reflector
// ends quietly instead of retrying (and warning) until it is stopped.
TEST_F(ReflectorTest, AClientShutDownEndsTheReflectorWithoutRetrying) {
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1")}, "10")));
    auto s = stream();
    s->fail(Status(Code::kCancelled, "client shut down"));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
  }
  start(options());
  auto ended = std::async(std::launch::async, [this] { thread_.join(); });
  ASSERT_EQ(ended.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the reflector kept going on a shut-down client";
  EXPECT_TRUE(sleeps().empty());
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(ReflectorTest, AClientShutDownDuringTheListEndsTheReflector) {
  EXPECT_CALL(*client_, list(_, _, _))
      .WillOnce(Return(StatusOr<json>(Status(Code::kCancelled, "client shut down"))));
  start(options());
  auto ended = std::async(std::launch::async, [this] { thread_.join(); });
  ASSERT_EQ(ended.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(ReflectorTest, StaleInitialVersionHookForcesRelist) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    auto s = stream();
    s->event(WatchEvent::Type::kError, {{"kind", "Status"}, {"code", 410}});
    EXPECT_CALL(*client_, watch(_, _, watchFrom("1"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "7")}, "30")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("30"))).WillOnce(quietWatch(&quiet));
  }
  auto o = options();
  o.initialWatchResourceVersion = "1";
  start(o);

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_TRUE(reflector_->hasSynced());
  EXPECT_THAT(store_.keys(), ElementsAre("ns/a"));
}

TEST_F(ReflectorTest, FailuresBackOffExponentiallyAndAHealthyWatchResetsIt) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _))
        .WillOnce(Return(StatusOr<json>(Status(Code::kUnavailable, "connection refused"))))
        .WillOnce(Return(StatusOr<json>(Status(Code::kServerError, "etcd down"))))
        .WillOnce(Return(page({}, "10")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10")))
        .WillOnce(Return(ByMove(StatusOr<WatchStreamPtr>(Status(Code::kUnavailable, "refused")))));
    auto s = stream();
    s->event(WatchEvent::Type::kAdded, cm("a", "11")).fail(Status(Code::kUnavailable, "reset"));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("11"))).WillOnce(quietWatch(&quiet));
  }
  start(options());

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  auto d = sleeps();
  ASSERT_EQ(d.size(), 4u);
  auto near = [](milliseconds got, int base) {
    return got.count() >= base * 8 / 10 && got.count() <= base * 12 / 10;
  };
  EXPECT_TRUE(near(d[0], 1000)) << d[0].count();
  EXPECT_TRUE(near(d[1], 2000)) << d[1].count();
  EXPECT_TRUE(near(d[2], 4000)) << d[2].count();
  EXPECT_TRUE(near(d[3], 1000)) << d[3].count();  // reset by the event in between
  EXPECT_EQ(reflector_->lists(), 1u);             // connection trouble resumes the watch
}

TEST_F(ReflectorTest, BackoffIsCappedAtThirtySeconds) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _))
        .Times(8)
        .WillRepeatedly(Return(StatusOr<json>(Status(Code::kUnavailable, "refused"))));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "10")));
    EXPECT_CALL(*client_, watch(_, _, _)).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  auto d = sleeps();
  ASSERT_EQ(d.size(), 8u);
  for (auto x : d) EXPECT_LE(x.count(), 30000);
  EXPECT_GE(d.back().count(), 24000);
}

TEST_F(ReflectorTest, SilentWatchTimeoutReconnectsAtOnceFromLastVersion) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
    auto s = stream();
    s->event(WatchEvent::Type::kAdded, cm("a", "6")).fail(Status(Code::kTimeout, "no bytes"));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("6"))).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_THAT(sleeps(), ElementsAre());
  EXPECT_EQ(reflector_->lists(), 1u);
}

TEST_F(ReflectorTest, StreamEndingAtOnceWithoutEventsBacksOff) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
    auto s = stream();
    s->end();
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(sleeps().size(), 1u);
}

TEST_F(ReflectorTest, OtherErrorEventBacksOffAndRelists) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
    auto s = stream();
    s->event(WatchEvent::Type::kError, {{"kind", "Status"}, {"code", 500}, {"message", "boom"}});
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "8")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("8"))).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(sleeps().size(), 1u);
  EXPECT_EQ(reflector_->lists(), 2u);
}

// Found writing the watch fuzzer (tests/fuzz): json::value("code", 0) threw
// type_error out of the watch loop on a string code, ending the process.
TEST_F(ReflectorTest, AnErrorEventOfUnexpectedShapeBacksOffAndRelists) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
    auto s = stream();
    s->event(WatchEvent::Type::kError,
             {{"kind", "Status"}, {"code", "410"}, {"message", {{"text", "gone"}}}});
    EXPECT_CALL(*client_, watch(_, _, watchFrom("5"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "8")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("8"))).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(sleeps().size(), 1u);  // not a 410: the backoff of any other error
  EXPECT_EQ(reflector_->lists(), 2u);
}

TEST_F(ReflectorTest, ExpiredContinueTokenFallsBackToOneUnpagedList) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, Field(&ListOptions::limit, 2)))
        .WillOnce(Return(page({cm("a", "1"), cm("b", "1")}, "10", "tok")))
        .WillOnce(Return(StatusOr<json>(Status(Code::kGone, "continue expired"))));
    EXPECT_CALL(*client_, list(_, _, Field(&ListOptions::limit, 0)))
        .WillOnce(Return(page({cm("a", "1"), cm("b", "1"), cm("c", "1")}, "15")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("15"))).WillOnce(quietWatch(&quiet));
  }
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(store_.size(), 3u);
}

TEST_F(ReflectorTest, TransformRunsBeforeObjectsAreStored) {
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _))
        .WillOnce(Return(page({cm("a", "1", {{"token", "s3cret"}})}, "10")));
    auto s = stream();
    s->event(WatchEvent::Type::kAdded, cm("b", "11", {{"token", "s3cret"}}));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
  }
  auto o = options();
  o.transform = [](json obj) {
    obj.erase("data");
    obj["metadata"]["annotations"]["trimmed"] = "true";
    return obj;
  };
  start(o);
  ASSERT_TRUE(eventually([&] { return store_.size() == 2; }));
  for (const auto& obj : store_.list()) {
    EXPECT_FALSE(obj->contains("data")) << obj->dump();
    EXPECT_EQ(obj->at("metadata")["annotations"]["trimmed"], "true");
  }
}

// Defect 5: a watch event the transform throws on used to be dropped while
// the resourceVersion moved past it, leaving the store stale for good.
TEST_F(ReflectorTest, TransformThrowingOnAWatchEventRelistsInsteadOfSkippingIt) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1")}, "10")));
    auto s = stream();
    s->event(WatchEvent::Type::kModified, cm("a", "11", {{"bad", "1"}}))
        .event(WatchEvent::Type::kAdded, cm("b", "12"));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _))
        .WillOnce(Return(page({cm("a", "13"), cm("b", "12")}, "20")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("20"))).WillOnce(quietWatch(&quiet));
  }
  auto o = options();
  o.transform = [](json obj) {
    if (obj["data"].contains("bad")) throw std::runtime_error("cannot transform");
    return obj;
  };
  start(o);

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(reflector_->lists(), 2u);
  EXPECT_EQ(store_.get("ns/a")->at("metadata")["resourceVersion"], "13");
  EXPECT_THAT(store_.keys(), ElementsAre("ns/a", "ns/b"));
  EXPECT_THAT(events(),
              ElementsAre("add ns/a", "restart: watch failed", "add ns/b", "update ns/a 1->13"));
  EXPECT_EQ(sleeps().size(), 1u);  // backed off before relisting
}

TEST_F(ReflectorTest, TransformReturningAnotherObjectRelistsToo) {
  std::atomic<int> quiet{0};
  {
    InSequence seq;
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({cm("a", "1")}, "10")));
    auto s = stream();
    s->event(WatchEvent::Type::kDeleted, cm("a", "11", {{"bad", "1"}}));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("10"))).WillOnce(kube::openStream(std::move(s)));
    EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "20")));
    EXPECT_CALL(*client_, watch(_, _, watchFrom("20"))).WillOnce(quietWatch(&quiet));
  }
  auto o = options();
  o.transform = [](json obj) {
    if (obj["data"].contains("bad")) return json::array();  // garbage: no name
    return obj;
  };
  start(o);

  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  EXPECT_EQ(store_.size(), 0u);  // the delete is not lost
  EXPECT_THAT(events(), ElementsAre("add ns/a", "restart: watch failed", "delete ns/a"));
}

TEST_F(ReflectorTest, StopInterruptsABlockedWatch) {
  std::atomic<int> quiet{0};
  EXPECT_CALL(*client_, list(_, _, _)).WillOnce(Return(page({}, "5")));
  EXPECT_CALL(*client_, watch(_, _, _)).WillOnce(quietWatch(&quiet));
  start(options());
  ASSERT_TRUE(eventually([&] { return quiet.load() == 1; }));
  stopReflector();  // asserts run() returned
}

TEST(JitteredWatchTimeoutTest, IsBetweenOnceAndTwiceTheBase) {
  int lo = 1000, hi = 0;
  for (int i = 0; i < 200; ++i) {
    const int t = jitteredWatchTimeout(std::chrono::seconds(300));
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  EXPECT_GE(lo, 300);
  EXPECT_LT(hi, 600);
  EXPECT_GT(hi - lo, 50) << "not jittered";
}
}  // namespace
}  // namespace ctrl::cache
