// CpprestKubeClient against the real kube-apiserver the suite starts: every
// verb, server-side apply conflicts, status subresources, paging, selectors,
// preconditions, error mapping from real Status bodies, RBAC denials, TLS
// and the request hook. Watches: kube_client_watch_integration_test.cpp.
#include <algorithm>
#include <mutex>
#include <vector>

#include "controller/kube/shared_default_verify_paths.h"
#include "tests/controller/kube/kube_client_integration_fixture.h"

namespace ctrl::kube {
namespace kubeclienttest {
namespace {

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

// cpprestsdk asks for the default verify paths on every connection it opens;
// shared_default_verify_paths.cpp answers that call in this binary with one
// shared store, and the trust stays as it was.
TEST_F(KubeClientIntegrationTest, EveryConnectionGetsTheOneSharedStoreOfSystemRoots) {
  auto cfg = loadKubeconfigFile(ControlPlane::instance().adminKubeconfig());
  ASSERT_TRUE(cfg.isOk());
  KubeClientOptions opts = fastOptions();
  opts.maxRetries = 0;
  const size_t before = sharedDefaultVerifyPathsGiven();
  auto fresh = CpprestKubeClient::create(cfg.value(), opts);  // a new pool: a new connection
  ASSERT_TRUE(fresh.isOk()) << fresh.status().toString();
  auto listed = fresh.value()->list(resources::kConfigMaps, ns_.name());
  ASSERT_TRUE(listed.isOk()) << listed.status().toString();
  EXPECT_GT(sharedDefaultVerifyPathsGiven(), before);

  // Without the kubeconfig's CA the system roots alone judge the server,
  // and they do not hold the test CA that signed it.
  ClientConfig systemRootsOnly = cfg.value();
  systemRootsOnly.caData.clear();
  auto strict = CpprestKubeClient::create(systemRootsOnly, opts);
  ASSERT_TRUE(strict.isOk()) << strict.status().toString();
  auto denied = strict.value()->list(resources::kConfigMaps, ns_.name());
  EXPECT_EQ(denied.status().code(), Code::kUnavailable) << denied.status().toString();
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
}  // namespace
}  // namespace kubeclienttest
}  // namespace ctrl::kube
