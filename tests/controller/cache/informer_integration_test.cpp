// The informer and reflector against the real kube-apiserver: paging past one
// page, live add/update/delete, surviving an API server restart, and a 410
// Gone forcing a relist whose diff is right.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "controller/cache/informer.h"
#include "controller/cache/reflector.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace ctrl::cache {
namespace {

using kube::KubeClient;
using kube::Resource;
using kube::StatusOr;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testsupport::ControlPlane;
using testsupport::eventually;
using testsupport::TestNamespace;

const Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};

// Forwards to the real client and counts list calls, to see the paging happen.
class CountingClient : public KubeClient {
 public:
  explicit CountingClient(kube::KubeClientPtr inner) : inner_(std::move(inner)) {}
  std::atomic<int> lists{0};
  std::atomic<int> pagedLists{0};

  StatusOr<json> get(const Resource& r, const std::string& ns, const std::string& name,
                     const std::string& sub) override {
    return inner_->get(r, ns, name, sub);
  }
  StatusOr<json> list(const Resource& r, const std::string& ns,
                      const kube::ListOptions& o) override {
    ++lists;
    if (o.limit > 0) ++pagedLists;
    return inner_->list(r, ns, o);
  }
  StatusOr<json> create(const Resource& r, const std::string& ns, const json& obj,
                        const std::string& fm) override {
    return inner_->create(r, ns, obj, fm);
  }
  StatusOr<json> update(const Resource& r, const std::string& ns, const json& obj,
                        const kube::UpdateOptions& o) override {
    return inner_->update(r, ns, obj, o);
  }
  StatusOr<json> patch(const Resource& r, const std::string& ns, const std::string& name,
                       kube::PatchType t, const json& body, const kube::PatchOptions& o) override {
    return inner_->patch(r, ns, name, t, body, o);
  }
  kube::Status remove(const Resource& r, const std::string& ns, const std::string& name,
                      const kube::DeleteOptions& o) override {
    return inner_->remove(r, ns, name, o);
  }
  StatusOr<kube::WatchStreamPtr> watch(const Resource& r, const std::string& ns,
                                       const kube::WatchOptions& o) override {
    return inner_->watch(r, ns, o);
  }
  StatusOr<std::string> podLogs(const std::string& ns, const std::string& pod,
                                const kube::LogOptions& o) override {
    return inner_->podLogs(ns, pod, o);
  }

 private:
  kube::KubeClientPtr inner_;
};

// Handler calls, as "add ns/x", "update ns/x", "delete ns/x".
class Recorder {
 public:
  EventHandlers handlers() {
    EventHandlers h;
    h.onAdd = [this](const json& o) { record("add " + objectKey(o)); };
    h.onUpdate = [this](const json&, const json& o) { record("update " + objectKey(o)); };
    h.onDelete = [this](const json& o) { record("delete " + objectKey(o)); };
    return h;
  }
  bool saw(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.count(e) > 0;
  }
  void record(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.insert(e);
  }

 private:
  std::mutex mu_;
  std::set<std::string> seen_;
};

class InformerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = kube::loadKubeconfigFile(cp_.adminKubeconfig());
    ASSERT_TRUE(config.isOk()) << config.status().toString();
    kube::KubeClientOptions opts;
    opts.qps = 0;  // the test's own writes: no client-side throttling
    auto client = kube::CpprestKubeClient::create(*config, opts);
    ASSERT_TRUE(client.isOk()) << client.status().toString();
    client_ = *client;
  }

  void createConfigMap(const std::string& ns, const std::string& name,
                       const std::string& value = "v") {
    json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", name}, {"namespace", ns}}},
               {"data", {{"k", value}}}};
    auto r = client_->create(kConfigMaps, ns, cm);
    ASSERT_TRUE(r.isOk()) << name << ": " << r.status().toString();
  }

  InformerOptions options(const std::string& ns) {
    InformerOptions o;
    o.resource = kConfigMaps;
    o.namespaces = {ns};
    o.resyncPeriod = milliseconds(0);
    return o;
  }

  const ControlPlane& cp_ = ControlPlane::instance();
  std::shared_ptr<KubeClient> client_;
};

TEST_F(InformerIntegrationTest, SyncsManyPagesThenSeesAddUpdateDelete) {
  TestNamespace ns("informer");
  constexpr int kObjects = 520;
  for (int i = 0; i < kObjects; ++i) createConfigMap(ns.name(), "cm-" + std::to_string(i));

  auto counting = std::make_shared<CountingClient>(client_);
  InformerOptions o = options(ns.name());
  o.pageSize = 100;
  Informer informer(counting, o);
  Recorder rec;
  informer.addEventHandlers(rec.handlers());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(seconds(60)));
  // kube-root-ca.crt is published into every namespace by the controller manager.
  EXPECT_GE(informer.store().size(), static_cast<size_t>(kObjects));
  EXPECT_GE(counting->pagedLists.load(), 6);  // 520+ objects at 100 a page
  EXPECT_NE(informer.store().get(ns.name() + "/cm-519"), nullptr);
  EXPECT_EQ(informer.store().get(ns.name() + "/cm-7")->at("kind"), "ConfigMap");

  const std::string key = ns.name() + "/live";
  createConfigMap(ns.name(), "live", "1");
  ASSERT_TRUE(eventually([&] { return rec.saw("add " + key); }));
  auto patched = client_->patch(kConfigMaps, ns.name(), "live", kube::PatchType::kMerge,
                                {{"data", {{"k", "2"}}}});
  ASSERT_TRUE(patched.isOk()) << patched.status().toString();
  ASSERT_TRUE(eventually([&] {
    auto obj = informer.store().get(key);
    return rec.saw("update " + key) && obj && obj->at("data").value("k", "") == "2";
  }));
  ASSERT_TRUE(client_->remove(kConfigMaps, ns.name(), "live").isOk());
  ASSERT_TRUE(eventually([&] { return rec.saw("delete " + key); }));
  EXPECT_EQ(informer.store().get(key), nullptr);
  informer.stop();
}

TEST_F(InformerIntegrationTest, WatchSurvivesAnApiServerRestart) {
  TestNamespace ns("informer-restart");
  createConfigMap(ns.name(), "before");
  createConfigMap(ns.name(), "doomed");
  Informer informer(client_, options(ns.name()));
  Recorder rec;
  informer.addEventHandlers(rec.handlers());
  informer.start();
  ASSERT_TRUE(informer.waitForSync(seconds(60)));
  ASSERT_NE(informer.store().get(ns.name() + "/doomed"), nullptr);

  auto restarted = cp_.ctl({"restart", "kube-apiserver"});
  ASSERT_TRUE(restarted.ok()) << restarted.output;
  // Changes made while the informer's watch was broken must still arrive.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = client_->create(kConfigMaps, ns.name(),
                                 {{"apiVersion", "v1"},
                                  {"kind", "ConfigMap"},
                                  {"metadata", {{"name", "after"}, {"namespace", ns.name()}}}});
        return r.isOk() || kube::isAlreadyExists(r.status());
      },
      seconds(60)));
  ASSERT_TRUE(eventually(
      [&] {
        auto s = client_->remove(kConfigMaps, ns.name(), "doomed");
        return s.isOk() || kube::isNotFound(s);
      },
      seconds(60)));

  EXPECT_TRUE(eventually([&] { return informer.store().get(ns.name() + "/after") != nullptr; },
                         seconds(120)));
  EXPECT_TRUE(eventually([&] { return informer.store().get(ns.name() + "/doomed") == nullptr; },
                         seconds(120)));
  EXPECT_TRUE(rec.saw("add " + ns.name() + "/after"));
  EXPECT_TRUE(rec.saw("delete " + ns.name() + "/doomed"));
  EXPECT_NE(informer.store().get(ns.name() + "/before"), nullptr);
  EXPECT_GE(informer.watchRestarts(), 1u);
  informer.stop();
}

TEST_F(InformerIntegrationTest, TooOldResourceVersionForcesARelistWithTheRightDiff) {
  TestNamespace ns("reflector-gone");
  createConfigMap(ns.name(), "a");
  createConfigMap(ns.name(), "b");

  Store store;
  // An object the server does not have: the relist must report its deletion.
  store.upsert(std::make_shared<const json>(
      json{{"metadata", {{"name", "ghost"}, {"namespace", ns.name()}, {"resourceVersion", "1"}}}}));
  Recorder rec;
  std::vector<std::string> restarts;
  std::mutex mu;
  ReflectorSink sink;
  auto h = rec.handlers();
  sink.onAdd = [&](const ObjectPtr& o) { h.onAdd(*o); };
  sink.onUpdate = [&](const ObjectPtr& a, const ObjectPtr& b) { h.onUpdate(*a, *b); };
  sink.onDelete = [&](const ObjectPtr& o) { h.onDelete(*o); };
  sink.onRestart = [&](const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    restarts.push_back(why);
  };

  ReflectorOptions o;
  o.resource = kConfigMaps;
  o.ns = ns.name();
  o.initialWatchResourceVersion = "1";  // long compacted away / older than the watch cache
  auto counting = std::make_shared<CountingClient>(client_);
  Reflector reflector(counting, o, store, sink);
  StopSignal stop;
  std::thread runner([&] { reflector.run(stop); });

  const bool synced = eventually([&] { return reflector.hasSynced(); }, seconds(60));
  stop.requestStop();
  reflector.interrupt();
  runner.join();
  ASSERT_TRUE(synced);

  EXPECT_EQ(reflector.lists(), 1u);
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_FALSE(restarts.empty());
    EXPECT_EQ(restarts.front(), "resource version too old");
  }
  EXPECT_TRUE(rec.saw("delete " + ns.name() + "/ghost"));
  EXPECT_TRUE(rec.saw("add " + ns.name() + "/a"));
  EXPECT_TRUE(rec.saw("add " + ns.name() + "/b"));
  EXPECT_EQ(store.get(ns.name() + "/ghost"), nullptr);
  EXPECT_NE(store.get(ns.name() + "/a"), nullptr);
  EXPECT_NE(reflector.lastResourceVersion(), "1");
}

}  // namespace
}  // namespace ctrl::cache
