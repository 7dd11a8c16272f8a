// CpprestKubeClient's watches against the real kube-apiserver the suite
// starts: events in order, cancel, 410 on a compacted resourceVersion, the
// client's read deadline, bookmarks keeping an idle watch alive, and resuming
// after an API server restart.
#include <algorithm>
#include <future>
#include <thread>
#include <vector>

#include "tests/controller/kube/kube_client_integration_fixture.h"

namespace ctrl::kube {
namespace kubeclienttest {
namespace {

// Reads events until `done` holds for the collected list or the deadline passes.
std::vector<WatchEvent> collect(WatchStream& w,
                                const std::function<bool(const std::vector<WatchEvent>&)>& done) {
  std::vector<WatchEvent> events;
  while (!done(events)) {
    auto ev = w.next();
    if (!ev.isOk() || !ev.value().has_value()) break;
    if (ev.value()->type == WatchEvent::Type::kBookmark) continue;
    events.push_back(std::move(*ev.value()));
  }
  return events;
}

TEST_F(KubeClientIntegrationTest, WatchSeesAddedModifiedDeleted) {
  auto list = client_->list(resources::kConfigMaps, ns_.name());
  ASSERT_TRUE(list.isOk()) << list.status().toString();
  WatchOptions wo;
  wo.resourceVersion = list->at("metadata")["resourceVersion"].get<std::string>();
  wo.timeoutSeconds = 60;
  auto watch = client_->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();

  ASSERT_TRUE(
      client_->create(resources::kConfigMaps, ns_.name(), configMap("w", {{"v", "1"}})).isOk());
  ASSERT_TRUE(client_
                  ->patch(resources::kConfigMaps, ns_.name(), "w", PatchType::kMerge,
                          {{"data", {{"v", "2"}}}})
                  .isOk());
  ASSERT_TRUE(client_->remove(resources::kConfigMaps, ns_.name(), "w").isOk());

  // kube-controller-manager publishes kube-root-ca.crt into every new
  // namespace whenever it gets to it: only "w" is this test's.
  auto all = collect(*watch.value(), [](const auto& e) {
    return std::count_if(e.begin(), e.end(), [](const WatchEvent& ev) {
             return ev.object["metadata"].value("name", "") == "w";
           }) >= 3;
  });
  std::vector<WatchEvent> events;
  for (auto& ev : all) {
    if (ev.object["metadata"].value("name", "") == "w") events.push_back(std::move(ev));
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(events[0].object["data"]["v"], "1");
  EXPECT_EQ(events[1].type, WatchEvent::Type::kModified);
  EXPECT_EQ(events[1].object["data"]["v"], "2");
  EXPECT_EQ(events[2].type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(events[2].object["metadata"]["name"], "w");
}

TEST_F(KubeClientIntegrationTest, WatchCancelUnblocksNextPromptly) {
  WatchOptions wo;
  wo.timeoutSeconds = 300;
  wo.fieldSelector = "metadata.name=nothing-matches";  // not even kube-root-ca.crt
  auto watch = client_->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  WatchStream* w = watch.value().get();
  auto next = std::async(std::launch::async, [w] {
    // The initial-events-end bookmark may come first; then nothing until cancel().
    auto r = w->next();
    while (r.isOk() && r.value() && r.value()->type == WatchEvent::Type::kBookmark) r = w->next();
    return r;
  });
  std::this_thread::sleep_for(300ms);
  w->cancel();
  ASSERT_EQ(next.wait_for(30s), std::future_status::ready);
  auto r = next.get();
  EXPECT_EQ(r.status().code(), Code::kCancelled)
      << r.status().toString() << " " << (r.isOk() && r.value() ? r.value()->object.dump() : "");
}

TEST_F(KubeClientIntegrationTest, WatchFromCompactedResourceVersionIsGone) {
  // RV 1 is older than the watch cache's window, so the server answers 410, on connect or as
  // an ERROR event. A young cluster's cache (started at RV ~1, nothing evicted) and an
  // uncompacted etcd can still replay from RV 1; a restarted apiserver's cache starts at the
  // current RV, which makes "too old" certain.
  WatchOptions wo;
  wo.resourceVersion = "1";
  wo.timeoutSeconds = 30;
  std::string last;
  auto answersGone = [&] {
    auto watch = client_->watch(resources::kConfigMaps, ns_.name(), wo);
    if (!watch.isOk()) {
      last = watch.status().toString();
      return isGone(watch.status());
    }
    auto ev = watch.value()->next();
    if (!ev.isOk() || !ev.value().has_value()) {
      last = ev.isOk() ? "end of stream" : ev.status().toString();
      return false;
    }
    last = ev.value()->object.dump().substr(0, 300);
    return ev.value()->type == WatchEvent::Type::kError && ev.value()->object["code"] == 410 &&
           isGone(statusFromStatusObject(ev.value()->object));
  };
  if (answersGone()) return;
  auto restarted = ControlPlane::instance().ctl({"restart", "kube-apiserver"});
  ASSERT_TRUE(restarted.ok()) << restarted.output;
  EXPECT_TRUE(eventually(answersGone, 90s)) << "last answer: " << last;
}

TEST_F(KubeClientIntegrationTest, WatchClientReadTimeoutWhenServerGoesQuiet) {
  // A server-side timeout far beyond the client's grace must not stall next() forever: with
  // timeoutSeconds=1 the read deadline is 1s + grace, and either the server closes the stream
  // (nullopt) or the client gives up (kTimeout) — never a hang.
  KubeClientOptions opts = fastOptions();
  opts.watchReadGrace = 2s;
  auto c = clientFor(ControlPlane::instance().adminKubeconfig(), opts);
  ASSERT_NE(c, nullptr);
  WatchOptions wo;
  wo.timeoutSeconds = 1;
  wo.allowWatchBookmarks = false;
  wo.fieldSelector = "metadata.name=nothing-matches";
  auto watch = c->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  auto next = std::async(std::launch::async, [&] { return watch.value()->next(); });
  ASSERT_EQ(next.wait_for(30s), std::future_status::ready);
  auto r = next.get();
  EXPECT_TRUE((r.isOk() && !r.value().has_value()) || isTimeout(r.status()))
      << r.status().toString();
}

// The premise of KubeClientOptions::watchBookmarkSilence (90 s): the real
// API server's watch cache sends an idle watch with bookmarks a bookmark about
// every minute (seen: 60 s apart), so a healthy idle watch is never taken for
// a dead one. Takes 100 s.
TEST_F(KubeClientIntegrationTest, AnIdleWatchWithBookmarksOutlivesTheBookmarkSilence) {
  WatchOptions wo;
  wo.timeoutSeconds = 600;
  wo.allowWatchBookmarks = true;
  wo.fieldSelector = "metadata.name=nothing-matches";
  auto watch = client_->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  const auto started = std::chrono::steady_clock::now();
  int bookmarks = 0;
  while (std::chrono::steady_clock::now() - started < 100s) {
    auto ev = watch.value()->next();
    ASSERT_TRUE(ev.isOk()) << "after " << bookmarks << " bookmarks: " << ev.status().toString();
    ASSERT_TRUE(ev.value().has_value()) << "the server ended a 600 s watch early";
    if (ev.value()->type == WatchEvent::Type::kBookmark) ++bookmarks;
  }
  EXPECT_GE(bookmarks, 1);
}

TEST_F(KubeClientIntegrationTest, WatchResumesAfterApiServerRestart) {
  auto list = client_->list(resources::kConfigMaps, ns_.name());
  ASSERT_TRUE(list.isOk()) << list.status().toString();
  std::string lastRv = list->at("metadata")["resourceVersion"].get<std::string>();
  WatchOptions wo;
  wo.resourceVersion = lastRv;
  wo.timeoutSeconds = 600;
  auto watch = client_->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  ASSERT_TRUE(client_->create(resources::kConfigMaps, ns_.name(), configMap("before")).isOk());
  auto before = collect(*watch.value(), [](const auto& e) { return !e.empty(); });
  ASSERT_EQ(before.size(), 1u);
  lastRv = before[0].object["metadata"]["resourceVersion"].get<std::string>();

  auto restart = std::async(std::launch::async, [] {
    return ControlPlane::instance().ctl({"restart", "kube-apiserver"});
  });
  // The stream must end (error or clean end) when the server goes away; never hang.
  StatusOr<std::optional<WatchEvent>> end = watch.value()->next();
  while (end.isOk() && end.value().has_value()) {
    // Only bookmarks may still arrive before the connection drops.
    EXPECT_EQ(end.value()->type, WatchEvent::Type::kBookmark);
    end = watch.value()->next();
  }
  auto restarted = restart.get();
  ASSERT_TRUE(restarted.ok()) << restarted.output;

  // Created while no watch is open; the new watch from the last seen RV must replay it.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = client_->create(resources::kConfigMaps, ns_.name(), configMap("during"));
        return r.isOk() || isAlreadyExists(r.status());
      },
      60s));
  wo.resourceVersion = lastRv;
  auto resumed = client_->watch(resources::kConfigMaps, ns_.name(), wo);
  ASSERT_TRUE(resumed.isOk()) << resumed.status().toString();
  auto after = collect(*resumed.value(), [](const auto& e) { return !e.empty(); });
  ASSERT_EQ(after.size(), 1u);
  if (after[0].type == WatchEvent::Type::kError) {
    // The restarted server's watch cache starts at its own initial list, so an RV from before
    // the restart can be "too old" (410): the reflector's answer is relist + watch, done here.
    EXPECT_EQ(after[0].object["code"], 410) << after[0].object.dump();
    EXPECT_TRUE(isGone(statusFromStatusObject(after[0].object)));
    auto relist = listAll(*client_, resources::kConfigMaps, ns_.name());
    ASSERT_TRUE(relist.isOk()) << relist.status().toString();
    bool found = false;
    for (const auto& item : relist->at("items")) found |= item["metadata"]["name"] == "during";
    EXPECT_TRUE(found) << "the object created across the restart is missing from the relist";
    wo.resourceVersion = relist->at("metadata")["resourceVersion"].get<std::string>();
    resumed = client_->watch(resources::kConfigMaps, ns_.name(), wo);
    ASSERT_TRUE(resumed.isOk()) << resumed.status().toString();
    ASSERT_TRUE(client_->create(resources::kConfigMaps, ns_.name(), configMap("after")).isOk());
    after = collect(*resumed.value(), [](const auto& e) { return !e.empty(); });
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].type, WatchEvent::Type::kAdded) << after[0].object.dump();
    EXPECT_EQ(after[0].object["metadata"]["name"], "after");
    return;
  }
  EXPECT_EQ(after[0].type, WatchEvent::Type::kAdded) << after[0].object.dump();
  EXPECT_EQ(after[0].object["metadata"]["name"], "during");
}

}  // namespace
}  // namespace kubeclienttest
}  // namespace ctrl::kube
