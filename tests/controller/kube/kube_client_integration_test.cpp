// CpprestKubeClient against the real kube-apiserver the suite starts: every
// verb, server-side apply conflicts, status subresources, paging, selectors,
// preconditions, error mapping from real Status bodies, RBAC denials and
// watches (events, 410 on a stale resourceVersion, surviving a restart).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "controller/kube/api_error.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/support/admin_client.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace ctrl::kube {
namespace {

using namespace std::chrono_literals;
using testsupport::ControlPlane;
using testsupport::TestNamespace;

bool eventually(const std::function<bool()>& check, std::chrono::seconds deadline = 30s) {
  return testsupport::eventually(check, deadline, 200ms);
}

using testsupport::clientFor;

KubeClientOptions fastOptions() {
  KubeClientOptions o;
  o.qps = 200;
  o.burst = 400;
  o.userAgent = "kube-client-integration-test";
  return o;
}

json configMap(const std::string& name, const json& data = json::object(),
               const json& labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"data", data}};
}

const Resource kWidgets{"kubeclient.test.clusteragent.io", "v1", "widgets", "Widget", true};

const char kWidgetCrd[] = R"({
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.kubeclient.test.clusteragent.io"},
  "spec": {
    "group": "kubeclient.test.clusteragent.io",
    "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{
      "name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
          "spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}},
          "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
        }
      }}
    }]
  }
})";

class KubeClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = clientFor(ControlPlane::instance().adminKubeconfig(), options());
    ASSERT_NE(client_, nullptr);
  }
  virtual KubeClientOptions options() { return fastOptions(); }

  std::string rv(const json& obj) { return obj["metadata"]["resourceVersion"].get<std::string>(); }

  std::shared_ptr<CpprestKubeClient> client_;
  TestNamespace ns_{"kc"};
};

TEST_F(KubeClientIntegrationTest, CreateGetUpdateDeleteAndErrorMapping) {
  auto created = client_->create(resources::kConfigMaps, ns_.name(), configMap("a", {{"k", "v"}}));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(created->at("data")["k"], "v");

  auto again = client_->create(resources::kConfigMaps, ns_.name(), configMap("a"));
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists) << again.status().toString();
  EXPECT_EQ(again.status().httpCode(), 409);

  auto got = client_->get(resources::kConfigMaps, ns_.name(), "a");
  ASSERT_TRUE(got.isOk()) << got.status().toString();
  EXPECT_EQ(got->at("metadata")["uid"], created->at("metadata")["uid"]);

  json updated = got.value();
  updated["data"]["k"] = "v2";
  auto put = client_->update(resources::kConfigMaps, ns_.name(), updated);
  ASSERT_TRUE(put.isOk()) << put.status().toString();
  EXPECT_EQ(put->at("data")["k"], "v2");

  // The same (now stale) resourceVersion again: optimistic concurrency says Conflict.
  updated["data"]["k"] = "v3";
  auto stale = client_->update(resources::kConfigMaps, ns_.name(), updated);
  EXPECT_EQ(stale.status().code(), Code::kConflict) << stale.status().toString();

  auto merged = client_->patch(resources::kConfigMaps, ns_.name(), "a", PatchType::kMerge,
                               {{"data", {{"m", "1"}}}});
  ASSERT_TRUE(merged.isOk()) << merged.status().toString();
  EXPECT_EQ(merged->at("data")["m"], "1");
  EXPECT_EQ(merged->at("data")["k"], "v2");

  auto jsonPatched = client_->patch(resources::kConfigMaps, ns_.name(), "a", PatchType::kJson,
                                    json::array({{{"op", "remove"}, {"path", "/data/m"}}}));
  ASSERT_TRUE(jsonPatched.isOk()) << jsonPatched.status().toString();
  EXPECT_FALSE(jsonPatched->at("data").contains("m"));

  auto strategic = client_->patch(resources::kConfigMaps, ns_.name(), "a",
                                  PatchType::kStrategicMerge, {{"data", {{"s", "1"}}}});
  ASSERT_TRUE(strategic.isOk()) << strategic.status().toString();
  EXPECT_EQ(strategic->at("data")["s"], "1");

  ASSERT_TRUE(client_->remove(resources::kConfigMaps, ns_.name(), "a").isOk());
  auto gone = client_->get(resources::kConfigMaps, ns_.name(), "a");
  EXPECT_TRUE(isNotFound(gone.status())) << gone.status().toString();
  EXPECT_EQ(gone.status().message(), "configmaps \"a\" not found");
  EXPECT_TRUE(isNotFound(client_->remove(resources::kConfigMaps, ns_.name(), "a")));
  auto patchMissing = client_->patch(resources::kConfigMaps, ns_.name(), "a", PatchType::kMerge,
                                     {{"data", {{"x", "y"}}}});
  EXPECT_TRUE(isNotFound(patchMissing.status()));
}

TEST_F(KubeClientIntegrationTest, InvalidNamesTheField) {
  auto bad = client_->create(resources::kConfigMaps, ns_.name(), configMap("Bad_Name"));
  ASSERT_EQ(bad.status().code(), Code::kInvalid) << bad.status().toString();
  EXPECT_EQ(bad.status().httpCode(), 422);
  ASSERT_FALSE(bad.status().causes().empty());
  EXPECT_EQ(bad.status().causes()[0].field, "metadata.name");
  EXPECT_EQ(bad.status().causes()[0].type, "FieldValueInvalid");
}

TEST_F(KubeClientIntegrationTest, ServerSideApplyOwnershipAndConflicts) {
  PatchOptions a;
  a.fieldManager = "manager-a";
  auto first = client_->patch(resources::kConfigMaps, ns_.name(), "ssa", PatchType::kApply,
                              configMap("ssa", {{"owned", "by-a"}}), a);
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(first->at("data")["owned"], "by-a");
  bool managedByA = false;
  for (const auto& mf : first->at("metadata")["managedFields"]) {
    if (mf["manager"] == "manager-a" && mf["operation"] == "Apply") managedByA = true;
  }
  EXPECT_TRUE(managedByA);

  PatchOptions b;
  b.fieldManager = "manager-b";
  auto conflict = client_->patch(resources::kConfigMaps, ns_.name(), "ssa", PatchType::kApply,
                                 configMap("ssa", {{"owned", "by-b"}}), b);
  ASSERT_EQ(conflict.status().code(), Code::kConflict) << conflict.status().toString();
  ASSERT_FALSE(conflict.status().causes().empty());
  EXPECT_EQ(conflict.status().causes()[0].type, "FieldManagerConflict");
  EXPECT_NE(conflict.status().causes()[0].field.find("owned"), std::string::npos);

  b.force = true;
  auto forced = client_->patch(resources::kConfigMaps, ns_.name(), "ssa", PatchType::kApply,
                               configMap("ssa", {{"owned", "by-b"}}), b);
  ASSERT_TRUE(forced.isOk()) << forced.status().toString();
  EXPECT_EQ(forced->at("data")["owned"], "by-b");

  PatchOptions noManager;
  EXPECT_EQ(client_
                ->patch(resources::kConfigMaps, ns_.name(), "ssa", PatchType::kApply,
                        configMap("ssa"), noManager)
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST_F(KubeClientIntegrationTest, StatusSubresourceOfCustomResource) {
  auto crd = client_->create(resources::kCustomResourceDefinitions, "", json::parse(kWidgetCrd));
  ASSERT_TRUE(crd.isOk() || isAlreadyExists(crd.status())) << crd.status().toString();
  ASSERT_TRUE(eventually([&] { return client_->list(kWidgets, ns_.name()).isOk(); }, 60s))
      << "widgets never became servable";

  json widget = {{"apiVersion", kWidgets.apiVersion()},
                 {"kind", "Widget"},
                 {"metadata", {{"name", "w"}}},
                 {"spec", {{"size", 1}}}};
  auto created = client_->create(kWidgets, ns_.name(), widget);
  ASSERT_TRUE(created.isOk()) << created.status().toString();

  // Writing through /status changes status only, even when spec differs.
  json withStatus = created.value();
  withStatus["status"] = {{"phase", "Ready"}};
  withStatus["spec"]["size"] = 5;
  UpdateOptions statusOpts;
  statusOpts.subresource = "status";
  statusOpts.fieldManager = "kc-test";
  auto updated = client_->update(kWidgets, ns_.name(), withStatus, statusOpts);
  ASSERT_TRUE(updated.isOk()) << updated.status().toString();
  EXPECT_EQ(updated->at("status")["phase"], "Ready");
  EXPECT_EQ(updated->at("spec")["size"], 1);

  PatchOptions patchStatus;
  patchStatus.subresource = "status";
  auto patched = client_->patch(kWidgets, ns_.name(), "w", PatchType::kMerge,
                                {{"status", {{"phase", "Degraded"}}}}, patchStatus);
  ASSERT_TRUE(patched.isOk()) << patched.status().toString();
  EXPECT_EQ(patched->at("status")["phase"], "Degraded");

  // A plain update ignores status.
  json plain = patched.value();
  plain["status"]["phase"] = "Ignored";
  plain["spec"]["size"] = 2;
  auto main = client_->update(kWidgets, ns_.name(), plain);
  ASSERT_TRUE(main.isOk()) << main.status().toString();
  EXPECT_EQ(main->at("status")["phase"], "Degraded");
  EXPECT_EQ(main->at("spec")["size"], 2);

  auto viaStatus = client_->get(kWidgets, ns_.name(), "w", "status");
  ASSERT_TRUE(viaStatus.isOk()) << viaStatus.status().toString();
  EXPECT_EQ(viaStatus->at("status")["phase"], "Degraded");

  // Schema validation names the field.
  json tooSmall = {{"apiVersion", kWidgets.apiVersion()},
                   {"kind", "Widget"},
                   {"metadata", {{"name", "small"}}},
                   {"spec", {{"size", 0}}}};
  auto invalid = client_->create(kWidgets, ns_.name(), tooSmall);
  ASSERT_EQ(invalid.status().code(), Code::kInvalid) << invalid.status().toString();
  ASSERT_FALSE(invalid.status().causes().empty());
  EXPECT_EQ(invalid.status().causes()[0].field, "spec.size");
}

TEST_F(KubeClientIntegrationTest, ListPagingAndSelectors) {
  constexpr int kCount = 520;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = w; i < kCount; i += 4) {
        json labels = {{"parity", i % 2 == 0 ? "even" : "odd"}, {"batch", "paging"}};
        auto r = client_->create(
            resources::kConfigMaps, ns_.name(),
            configMap("cm-" + std::to_string(i), {{"i", std::to_string(i)}}, labels));
        if (!r.isOk()) ++failures;
      }
    });
  }
  for (auto& t : workers) t.join();
  ASSERT_EQ(failures.load(), 0);

  ListOptions page;
  page.limit = 100;
  page.labelSelector = "batch=paging";
  auto first = client_->list(resources::kConfigMaps, ns_.name(), page);
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(first->at("items").size(), 100u);
  EXPECT_FALSE(first->at("metadata").value("continue", "").empty());

  auto all = listAll(*client_, resources::kConfigMaps, ns_.name(), page);
  ASSERT_TRUE(all.isOk()) << all.status().toString();
  EXPECT_EQ(all->at("items").size(), static_cast<size_t>(kCount));
  EXPECT_FALSE(all->at("metadata").value("resourceVersion", "").empty());

  ListOptions even;
  even.labelSelector = "batch=paging,parity in (even)";
  auto evens = listAll(*client_, resources::kConfigMaps, ns_.name(), even);
  ASSERT_TRUE(evens.isOk()) << evens.status().toString();
  EXPECT_EQ(evens->at("items").size(), static_cast<size_t>(kCount / 2));

  ListOptions byName;
  byName.fieldSelector = "metadata.name=cm-7";
  auto one = client_->list(resources::kConfigMaps, ns_.name(), byName);
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  ASSERT_EQ(one->at("items").size(), 1u);
  EXPECT_EQ(one->at("items")[0]["data"]["i"], "7");

  ListOptions badSelector;
  badSelector.labelSelector = "a in (";
  EXPECT_EQ(client_->list(resources::kConfigMaps, ns_.name(), badSelector).status().code(),
            Code::kBadRequest);
}

TEST_F(KubeClientIntegrationTest, DeletePreconditionsAndPropagation) {
  auto created = client_->create(resources::kConfigMaps, ns_.name(), configMap("p"));
  ASSERT_TRUE(created.isOk()) << created.status().toString();

  DeleteOptions wrongUid;
  wrongUid.preconditionUid = "00000000-0000-0000-0000-000000000000";
  Status mismatch = client_->remove(resources::kConfigMaps, ns_.name(), "p", wrongUid);
  EXPECT_EQ(mismatch.code(), Code::kConflict) << mismatch.toString();
  EXPECT_TRUE(client_->get(resources::kConfigMaps, ns_.name(), "p").isOk());

  DeleteOptions right;
  right.preconditionUid = created->at("metadata")["uid"].get<std::string>();
  right.preconditionResourceVersion = rv(created.value());
  right.propagationPolicy = "Background";
  Status ok = client_->remove(resources::kConfigMaps, ns_.name(), "p", right);
  EXPECT_TRUE(ok.isOk()) << ok.toString();
  EXPECT_TRUE(isNotFound(client_->get(resources::kConfigMaps, ns_.name(), "p").status()));

  DeleteOptions badPolicy;
  badPolicy.propagationPolicy = "Sideways";
  ASSERT_TRUE(client_->create(resources::kConfigMaps, ns_.name(), configMap("q")).isOk());
  Status invalid = client_->remove(resources::kConfigMaps, ns_.name(), "q", badPolicy);
  EXPECT_EQ(invalid.code(), Code::kInvalid) << invalid.toString();
}

TEST_F(KubeClientIntegrationTest, ForbiddenForNonAdminIdentity) {
  std::string kubeconfig = ControlPlane::instance().mintUserKubeconfig("kc-nobody", {"kc-nogroup"});
  ASSERT_FALSE(kubeconfig.empty());
  auto nobody = clientFor(kubeconfig, fastOptions());
  ASSERT_NE(nobody, nullptr);
  auto secrets = nobody->list(resources::kSecrets, ns_.name());
  ASSERT_EQ(secrets.status().code(), Code::kForbidden) << secrets.status().toString();
  EXPECT_EQ(secrets.status().httpCode(), 403);
  EXPECT_NE(secrets.status().message().find("kc-nobody"), std::string::npos);
  auto create = nobody->create(resources::kConfigMaps, ns_.name(), configMap("x"));
  EXPECT_TRUE(isForbidden(create.status()));
}

TEST_F(KubeClientIntegrationTest, UnauthorizedWithUnknownToken) {
  auto cfg = loadKubeconfigFile(ControlPlane::instance().adminKubeconfig());
  ASSERT_TRUE(cfg.isOk());
  ClientConfig anon = cfg.value();
  anon.clientCertData.clear();
  anon.clientKeyData.clear();
  anon.bearerToken = "not-a-valid-token";
  auto c = CpprestKubeClient::create(anon, fastOptions());
  ASSERT_TRUE(c.isOk()) << c.status().toString();
  auto r = c.value()->list(resources::kConfigMaps, ns_.name());
  EXPECT_EQ(r.status().code(), Code::kUnauthorized) << r.status().toString();
  EXPECT_EQ(r.status().message().find("not-a-valid-token"), std::string::npos);
}

TEST_F(KubeClientIntegrationTest, ServerCertificateIsVerifiedUnlessSkipped) {
  auto cfg = loadKubeconfigFile(ControlPlane::instance().adminKubeconfig());
  ASSERT_TRUE(cfg.isOk());
  ASSERT_FALSE(cfg->caData.empty());
  // A well-formed certificate that did not sign the server's: the handshake must fail.
  ClientConfig wrongCa = cfg.value();
  wrongCa.caData = cfg->clientCertData;
  KubeClientOptions opts = fastOptions();
  opts.maxRetries = 0;
  auto strict = CpprestKubeClient::create(wrongCa, opts);
  ASSERT_TRUE(strict.isOk()) << strict.status().toString();
  auto denied = strict.value()->list(resources::kConfigMaps, ns_.name());
  EXPECT_EQ(denied.status().code(), Code::kUnavailable) << denied.status().toString();

  wrongCa.insecureSkipTlsVerify = true;
  auto lax = CpprestKubeClient::create(wrongCa, opts);
  ASSERT_TRUE(lax.isOk()) << lax.status().toString();
  auto listed = lax.value()->list(resources::kConfigMaps, ns_.name());
  EXPECT_TRUE(listed.isOk()) << listed.status().toString();
}

TEST_F(KubeClientIntegrationTest, MismatchedClientKeyIsRejectedAtCreate) {
  auto admin = loadKubeconfigFile(ControlPlane::instance().adminKubeconfig());
  auto other =
      loadKubeconfigFile(ControlPlane::instance().mintUserKubeconfig("kc-keymix", {"kc-nogroup"}));
  ASSERT_TRUE(admin.isOk());
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  ClientConfig mixed = admin.value();
  mixed.clientKeyData = other->clientKeyData;
  auto c = CpprestKubeClient::create(mixed);
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("does not match"), std::string::npos)
      << c.status().toString();
  EXPECT_EQ(c.status().message().find("PRIVATE KEY"), std::string::npos);
}

TEST_F(KubeClientIntegrationTest, MetricsHookSeesEveryRequest) {
  std::mutex mu;
  std::vector<std::pair<std::string, int>> seen;
  KubeClientOptions opts = fastOptions();
  opts.onRequest = [&](const std::string& verb, int code) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(verb, code);
  };
  auto c = clientFor(ControlPlane::instance().adminKubeconfig(), opts);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->create(resources::kConfigMaps, ns_.name(), configMap("m")).isOk());
  ASSERT_TRUE(c->list(resources::kConfigMaps, ns_.name()).isOk());
  EXPECT_TRUE(isNotFound(c->get(resources::kConfigMaps, ns_.name(), "missing").status()));
  std::lock_guard<std::mutex> lock(mu);
  std::vector<std::pair<std::string, int>> want = {{"POST", 201}, {"LIST", 200}, {"GET", 404}};
  EXPECT_EQ(seen, want);
}

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
}  // namespace ctrl::kube
