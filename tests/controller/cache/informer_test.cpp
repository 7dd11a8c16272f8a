#include "controller/cache/informer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "tests/mocks/kube/mock_kube_client.h"
#include "tests/mocks/kube/scripted_watch_stream.h"
#include "tests/support/eventually.h"

namespace ctrl::cache {
namespace {

using kube::MockKubeClient;
using kube::ScriptedWatchStream;
using kube::StatusOr;
using kube::WatchEvent;
using kube::WatchOptions;
using kube::WatchStreamPtr;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Return;
using ::testing::StrictMock;
using testsupport::eventually;

const kube::Resource kSecrets{"", "v1", "secrets", "Secret", true};

json secret(const std::string& ns, const std::string& name, const std::string& rv) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}},
          {"data", {{"token", "c2VjcmV0"}}}};
}

json list(std::vector<json> items, const std::string& rv) {
  return {{"metadata", {{"resourceVersion", rv}}}, {"items", std::move(items)}};
}

auto quietWatch() {
  return [](auto&&...) -> StatusOr<WatchStreamPtr> {
    return WatchStreamPtr(std::make_unique<ScriptedWatchStream>());
  };
}

struct Recorder {
  std::mutex mu;
  std::vector<std::string> adds, deletes;
  int updates = 0, resyncs = 0;
  EventHandlers handlers() {
    EventHandlers h;
    h.onAdd = [this](const json& o) {
      std::lock_guard<std::mutex> lock(mu);
      adds.push_back(objectKey(o));
    };
    h.onUpdate = [this](const json& a, const json& b) {
      std::lock_guard<std::mutex> lock(mu);
      ++updates;
      if (a == b) ++resyncs;
    };
    h.onDelete = [this](const json& o) {
      std::lock_guard<std::mutex> lock(mu);
      deletes.push_back(objectKey(o));
    };
    return h;
  }
  int resyncCount() {
    std::lock_guard<std::mutex> lock(mu);
    return resyncs;
  }
  std::vector<std::string> sortedAdds() {
    std::lock_guard<std::mutex> lock(mu);
    auto v = adds;
    std::sort(v.begin(), v.end());
    return v;
  }
};

TEST(InformerTest, OneReflectorPerNamespaceIntoOneStoreWithTransformAndIndex) {
  auto client = std::make_shared<StrictMock<MockKubeClient>>();
  EXPECT_CALL(*client, list(kSecrets, "a", _))
      .WillOnce(Return(list({secret("a", "s1", "1")}, "10")));
  EXPECT_CALL(*client, list(kSecrets, "b", _))
      .WillOnce(Return(list({secret("b", "s2", "2"), secret("b", "s3", "3")}, "11")));
  EXPECT_CALL(*client, watch(kSecrets, "a", Field(&WatchOptions::resourceVersion, "10")))
      .WillOnce(quietWatch());
  EXPECT_CALL(*client, watch(kSecrets, "b", Field(&WatchOptions::resourceVersion, "11")))
      .WillOnce(quietWatch());

  InformerOptions opts;
  opts.resource = kSecrets;
  opts.namespaces = {"a", "b"};
  opts.resyncPeriod = milliseconds(0);
  opts.transform = [](json o) {
    o["data"] = {{"hash", "h"}};  // never cache Secret values
    return o;
  };
  Informer inf(client, opts);
  Recorder rec;
  inf.addEventHandlers(rec.handlers());
  inf.addIndex("name", [](const json& o) {
    return std::vector<std::string>{o["metadata"].value("name", "")};
  });
  EXPECT_FALSE(inf.hasSynced());
  inf.start();
  ASSERT_TRUE(inf.waitForSync(seconds(30)));
  EXPECT_EQ(inf.store().size(), 3u);
  EXPECT_EQ(inf.store().byIndex("name", "s2").size(), 1u);
  EXPECT_EQ(inf.store().get("a/s1")->at("data"), (json{{"hash", "h"}}));
  EXPECT_THAT(rec.sortedAdds(), ElementsAre("a/s1", "b/s2", "b/s3"));
  inf.stop();
  inf.stop();  // idempotent
}

TEST(InformerTest, ResyncReplaysEveryObjectAsAnUpdate) {
  auto client = std::make_shared<StrictMock<MockKubeClient>>();
  EXPECT_CALL(*client, list(kSecrets, "", _))
      .WillOnce(Return(list({secret("a", "s1", "1"), secret("b", "s2", "2")}, "10")));
  EXPECT_CALL(*client, watch(kSecrets, "", _)).WillOnce(quietWatch());
  InformerOptions opts;
  opts.resource = kSecrets;
  opts.resyncPeriod = milliseconds(10);
  Informer inf(client, opts);
  Recorder rec;
  inf.addEventHandlers(rec.handlers());
  inf.start();
  ASSERT_TRUE(inf.waitForSync(seconds(30)));
  // Two full passes over both objects.
  EXPECT_TRUE(eventually([&] { return rec.resyncCount() >= 4; }));
}

TEST(InformerTest, CountsWatchRestarts) {
  auto client = std::make_shared<StrictMock<MockKubeClient>>();
  EXPECT_CALL(*client, list(kSecrets, "", _)).WillOnce(Return(list({}, "10")));
  std::atomic<int> opened{0};
  EXPECT_CALL(*client, watch(kSecrets, "", _))
      .WillOnce([](auto&&...) -> StatusOr<WatchStreamPtr> {
        auto s = std::make_unique<ScriptedWatchStream>();
        s->event(WatchEvent::Type::kBookmark, {{"metadata", {{"resourceVersion", "12"}}}}).end();
        return WatchStreamPtr(std::move(s));
      })
      .WillOnce([&](auto&&...) -> StatusOr<WatchStreamPtr> {
        ++opened;
        return WatchStreamPtr(std::make_unique<ScriptedWatchStream>());
      });
  InformerOptions opts;
  opts.resource = kSecrets;
  opts.resyncPeriod = milliseconds(0);
  Informer inf(client, opts);
  inf.start();
  ASSERT_TRUE(eventually([&] { return opened.load() == 1; }));
  EXPECT_EQ(inf.watchRestarts(), 1u);
}

TEST(InformerTest, WaitForSyncGivesUpWhenStopped) {
  auto client = std::make_shared<StrictMock<MockKubeClient>>();
  EXPECT_CALL(*client, list(_, _, _))
      .WillRepeatedly(Return(StatusOr<json>(kube::Status(kube::Code::kForbidden, "no"))));
  InformerOptions opts;
  opts.resource = kSecrets;
  Informer inf(client, opts);
  inf.start();
  EXPECT_FALSE(inf.waitForSync(milliseconds(50)));
  inf.stop();  // interrupts the backoff sleep
  EXPECT_FALSE(inf.waitForSync(seconds(30)));
  EXPECT_FALSE(inf.hasSynced());
}

}  // namespace
}  // namespace ctrl::cache
