// The ClusterAgent operator's reconcile loop, in-process, against the real
// kube-apiserver + kube-controller-manager, running as a least-privilege user
// bound to the operator ClusterRole from manifests/, in namespaces that
// enforce Pod Security "restricted" (so a non-compliant agent pod would be
// refused by real admission).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "tests/reconcilers/clusteragent/upstream_agent_rbac.h"
#include "tests/support/base64.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"
#include "tests/support/service_account_kubeconfig.h"
#include "tests/support/test_certificates.h"

namespace clusteragent {
namespace {

using nlohmann::json;
using testsupport::ControlPlane;
using testsupport::InProcessOperator;
using testsupport::TestNamespace;

// At most five polls a second (each runs kubectl), with a minute for
// kube-controller-manager to act.
bool eventually(const std::function<bool()>& check,
                std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return testsupport::eventually(check, deadline, std::chrono::milliseconds(200));
}

json kubectlJson(const std::vector<std::string>& args) {
  return ControlPlane::instance().kubectlJson(args);
}

testsupport::CommandResult kubectlApply(const json& obj) {
  return ControlPlane::instance().kubectl(
      {"apply", "--server-side", "--force-conflicts", "--field-manager=test", "-f", "-"},
      obj.dump());
}

class ClusterAgentIntegrationTest : public ::testing::Test {
 protected:
  // One operator for the suite, watching every namespace; stopped after it
  // so it does not reconcile other suites' ClusterAgents.
  // rbac.clusterWide is allowed everywhere (--allow-cluster-wide-namespaces=*):
  // the tests below exercise what it grants; tenant_policy_integration_test
  // exercises the default refusal.
  static void SetUpTestSuite() {
    InProcessOperator::Options o;
    o.operatorOptions.tenantPolicy.clusterWideNamespaces = {"*"};
    operator_ = new InProcessOperator(std::move(o));
  }
  static void TearDownTestSuite() {
    delete operator_;
    operator_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(operator_ != nullptr && operator_->started());
    ns_ = std::make_unique<TestNamespace>(
        "ca", std::vector<std::string>{"pod-security.kubernetes.io/enforce=restricted"});
  }
  const std::string& ns() const { return ns_->name(); }

  // The api.md seed manifest, in this test's namespace.
  json seedManifest(const std::string& name = "aro-agent") const {
    return {{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "ClusterAgent"},
            {"metadata", {{"name", name}, {"namespace", ns()}}},
            {"spec",
             {{"serverAddr", "https://argocd.yourdomain.com"},
              {"authToken", kInlineToken},
              {"clusterName", "aro-prod"}}}};
  }
  json get(const std::string& kind, const std::string& name, const std::string& inNs = "") const {
    std::vector<std::string> args = {"get", kind, name};
    if (kind.rfind("clusterrole", 0) != 0) {
      args.push_back("-n");
      args.push_back(inNs.empty() ? ns() : inNs);
    }
    return kubectlJson(args);
  }
  json condition(const std::string& name, const std::string& type) const {
    json ca = get("clusteragent", name);
    if (ca.is_null()) return json();
    for (const auto& c : ca.value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return json();
  }
  bool conditionIs(const std::string& name, const std::string& type,
                   const std::string& status) const {
    json c = condition(name, type);
    return !c.is_null() && c.value("status", "") == status;
  }
  void apply(const json& obj) {
    auto r = kubectlApply(obj);
    ASSERT_TRUE(r.ok()) << r.output;
  }
  void applySecret(const std::string& name, const std::string& token) {
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", name}, {"namespace", ns()}}},
           {"stringData", {{"token", token}}}});
  }
  // Upstream's default client certificate and CA Secrets, which the agent
  // loads from its namespace when the spec names neither; without them
  // CredentialsReady is False (ClientCertificateMissing, CAMissing).
  void applyDefaultTlsSecrets() {
    auto cert = testsupport::makeSelfSignedCertificate();
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", kDefaultClientCertSecret}, {"namespace", ns()}}},
           {"type", "kubernetes.io/tls"},
           {"stringData", {{"tls.crt", cert.certPem}, {"tls.key", cert.keyPem}}}});
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", kDefaultCaSecret}, {"namespace", ns()}}},
           {"stringData", {{"ca.crt", cert.certPem}}}});
  }
  // Waits until reconciles stop writing: a reconcile forced now must write nothing.
  uint64_t writesAfterForcedReconcile(const std::string& name) {
    return operator_->writesOfForcedReconcile(ns() + "/" + name);
  }

  uint64_t reconcileCount(const std::string& name) const {
    return operator_->reconciles(ns() + "/" + name);
  }

  static constexpr const char* kInlineToken = "it-token-5f1c2b7e-DO-NOT-LEAK";
  static inline InProcessOperator* operator_ = nullptr;
  std::unique_ptr<TestNamespace> ns_;
};

TEST_F(ClusterAgentIntegrationTest, SeedManifestBecomesEveryChildAndTheTokenStaysSecret) {
  applyDefaultTlsSecrets();
  apply(seedManifest());
  const std::string name = "aro-agent";
  json owner;
  ASSERT_TRUE(eventually([&] {
    owner = get("clusteragent", name);
    return !owner.is_null() && !get("deployment", "aro-agent-agent").is_null();
  })) << "no Deployment";
  const std::string uid = owner["metadata"]["uid"];
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  for (const auto& kindAndName :
       std::vector<std::pair<std::string, std::string>>{{"serviceaccount", "aro-agent-agent"},
                                                        {"role", "aro-agent-agent"},
                                                        {"rolebinding", "aro-agent-agent"},
                                                        {"secret", "aro-agent-agent-creds"},
                                                        {"deployment", "aro-agent-agent"},
                                                        {"service", "aro-agent-agent-metrics"}}) {
    const std::string& kind = kindAndName.first;
    const std::string& child = kindAndName.second;
    json o;
    ASSERT_TRUE(eventually([&] { return !(o = get(kind, child)).is_null(); })) << kind;
    ASSERT_EQ(o["metadata"]["ownerReferences"].size(), 1u) << kind;
    EXPECT_EQ(o["metadata"]["ownerReferences"][0]["uid"], uid) << kind;
    EXPECT_EQ(o["metadata"]["labels"]["app.kubernetes.io/managed-by"], "clusteragent-operator");
  }
  json svc = get("service", "aro-agent-agent-metrics");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 8181);

  // kube-controller-manager turns the Deployment into a ReplicaSet and a Pod
  // that the restricted Pod Security admission accepts.
  ASSERT_TRUE(eventually([&] {
    json pods = kubectlJson({"get", "pods", "-n", ns()});
    return !pods.is_null() && !pods["items"].empty();
  })) << "no agent pod was admitted: "
      << ControlPlane::instance().kubectl({"get", "events", "-n", ns()}).output;
  json events = kubectlJson({"get", "events", "-n", ns()});
  for (const auto& e : events.value("items", json::array())) {
    EXPECT_NE(e.value("reason", ""), "FailedCreate") << e.value("message", "");
  }

  ASSERT_TRUE(eventually([&] { return conditionIs(name, "CredentialsReady", "True"); }));
  EXPECT_TRUE(conditionIs(name, "SpecValid", "True"));
  EXPECT_TRUE(conditionIs(name, "InlineTokenInUse", "True"));

  // The token is in the owned creds Secret only.
  for (const char* kind : {"deployments", "replicasets", "pods", "events", "services",
                           "serviceaccounts", "roles", "rolebindings"}) {
    auto out = ControlPlane::instance().kubectl({"get", kind, "-n", ns(), "-o", "json"});
    EXPECT_EQ(out.output.find(kInlineToken), std::string::npos) << kind;
  }
  EXPECT_EQ(get("clusteragent", name).value("status", json()).dump().find(kInlineToken),
            std::string::npos);

  // Converged: a reconcile of the unchanged ClusterAgent writes nothing.
  ASSERT_TRUE(eventually([&] { return writesAfterForcedReconcile(name) == 0; }))
      << "reconciles of an unchanged ClusterAgent keep writing";
  EXPECT_EQ(writesAfterForcedReconcile(name), 0u);

  // Each child was written once, by its create: the operator's only field
  // manager entry is the create's (Update). An Apply entry means a child just
  // created looked drifted and was rewritten, as every Deployment was while
  // it sent a `readOnly: false` that the API server drops.
  const std::string clusterScoped = "clusteragent:" + ns() + ":" + name;
  for (const auto& kindAndName :
       std::vector<std::pair<std::string, std::string>>{{"serviceaccount", "aro-agent-agent"},
                                                        {"role", "aro-agent-agent"},
                                                        {"rolebinding", "aro-agent-agent"},
                                                        {"clusterrole", clusterScoped},
                                                        {"clusterrolebinding", clusterScoped},
                                                        {"secret", "aro-agent-agent-creds"},
                                                        {"deployment", "aro-agent-agent"},
                                                        {"service", "aro-agent-agent-metrics"}}) {
    std::vector<std::string> args = {"get", kindAndName.first, kindAndName.second,
                                     "--show-managed-fields"};
    if (kindAndName.first.rfind("cluster", 0) != 0) args.insert(args.end(), {"-n", ns()});
    const json o = kubectlJson(args);
    ASSERT_FALSE(o.is_null()) << kindAndName.first;
    std::vector<std::string> ours;
    for (const auto& e : o["metadata"].value("managedFields", json::array())) {
      if (e.value("manager", "") == "clusteragent-operator") {
        ours.push_back(e.value("operation", "") + e.value("subresource", ""));
      }
    }
    EXPECT_EQ(ours, std::vector<std::string>{"Update"}) << kindAndName.first;
  }
}

// Upstream's agent (v0.9.0) syncs a cluster-wide Namespace informer and
// works on the resources its install Role names; without them it exits at
// start. Asked of the API server as the agent's own ServiceAccount (its real
// token), with nothing but what the operator rendered for the seed manifest.
TEST_F(ClusterAgentIntegrationTest, TheAgentsServiceAccountMayDoWhatUpstreamsAgentDoesAtStart) {
  applyDefaultTlsSecrets();
  apply(seedManifest("perm"));
  const std::string clusterName = "clusteragent:" + ns() + ":perm";
  ASSERT_TRUE(eventually([&] {
    return !get("rolebinding", "perm-agent").is_null() &&
           !get("clusterrolebinding", clusterName).is_null() &&
           !get("deployment", "perm-agent").is_null();
  })) << "RBAC not rendered";

  const std::string kubeconfig = ::testing::TempDir() + "/perm-agent-" + ns() + ".kubeconfig";
  ASSERT_TRUE(testsupport::writeServiceAccountKubeconfig(ns(), "perm-agent", kubeconfig));
  const auto& cp = ControlPlane::instance();
  // A SelfSubjectAccessReview made with the ServiceAccount's own token: the
  // API server's RBAC answer, with the group given explicitly (kubectl auth
  // can-i would drop it for a resource the server does not serve, and Argo
  // CD's CRDs are not installed here).
  auto canI = [&](const std::string& verb, const std::string& group, const std::string& resource,
                  const std::string& inNs) {
    json attributes = {{"verb", verb}, {"group", group}, {"resource", resource}};
    if (!inNs.empty()) attributes["namespace"] = inNs;
    json review = {{"apiVersion", "authorization.k8s.io/v1"},
                   {"kind", "SelfSubjectAccessReview"},
                   {"spec", {{"resourceAttributes", attributes}}}};
    auto r = cp.kubectl(
        {"--kubeconfig", kubeconfig, "create", "--validate=false", "-o", "json", "-f", "-"},
        review.dump());
    if (!r.ok()) {
      ADD_FAILURE() << "SelfSubjectAccessReview failed: " << r.output;
      return false;
    }
    json answer = json::parse(r.output, nullptr, false);
    return !answer.is_discarded() && answer["status"].value("allowed", false);
  };

  for (const char* verb : {"get", "list", "watch"}) {
    EXPECT_TRUE(canI(verb, "", "namespaces", "")) << verb << " namespaces (cluster-wide)";
  }
  for (const auto& rule : kUpstreamRole) {
    const std::string group = rule["apiGroups"][0];
    for (const auto& resource : rule["resources"]) {
      for (const auto& verb : rule["verbs"]) {
        EXPECT_TRUE(canI(verb, group, resource, ns()))
            << verb << " " << resource << "." << group << " in " << ns();
      }
    }
  }

  // What it must not get: the same in another namespace, and what only
  // rbac.clusterWide grants.
  EXPECT_FALSE(canI("get", "", "secrets", "default"));
  EXPECT_FALSE(canI("create", "", "namespaces", ""));
  EXPECT_FALSE(canI("list", "argoproj.io", "applications", "default"));
  auto list = cp.kubectl({"--kubeconfig", kubeconfig, "auth", "can-i", "--list", "-n", ns()});
  EXPECT_TRUE(list.ok()) << list.output;
  std::remove(kubeconfig.c_str());
}

TEST_F(ClusterAgentIntegrationTest, DeletedOrEditedChildrenAreRestored) {
  applyDefaultTlsSecrets();
  apply(seedManifest());
  ASSERT_TRUE(eventually([&] { return !get("service", "aro-agent-agent-metrics").is_null(); }));
  json svc = get("service", "aro-agent-agent-metrics");
  ASSERT_TRUE(ControlPlane::instance()
                  .kubectl({"delete", "service", "aro-agent-agent-metrics", "-n", ns()})
                  .ok());
  EXPECT_TRUE(eventually([&] {
    json now = get("service", "aro-agent-agent-metrics");
    return !now.is_null() && now["metadata"]["uid"] != svc["metadata"]["uid"];
  })) << "Service not recreated";

  ASSERT_TRUE(eventually([&] { return !get("deployment", "aro-agent-agent").is_null(); }));
  auto r = ControlPlane::instance().kubectl(
      {"patch", "deployment", "aro-agent-agent", "-n", ns(), "--type=json", "-p",
       R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"evil.example/agent:latest"}])"});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(eventually([&] {
    json d = get("deployment", "aro-agent-agent");
    return !d.is_null() && d["spec"]["template"]["spec"]["containers"][0]["image"] ==
                               "quay.io/argoprojlabs/argocd-agent:v0.9.0";
  })) << "image drift not repaired";

  ASSERT_TRUE(ControlPlane::instance()
                  .kubectl({"delete", "secret", "aro-agent-agent-creds", "-n", ns()})
                  .ok());
  EXPECT_TRUE(eventually([&] { return !get("secret", "aro-agent-agent-creds").is_null(); }));
}

TEST_F(ClusterAgentIntegrationTest, MissingSecretIsReportedThenRotationRollsTheAgent) {
  applyDefaultTlsSecrets();
  json ca = seedManifest("rot");
  ca["spec"].erase("authToken");
  ca["spec"]["authTokenSecretRef"] = {{"name", "rot-token"}};
  apply(ca);
  ASSERT_TRUE(eventually([&] { return conditionIs("rot", "CredentialsReady", "False"); }));
  json c = condition("rot", "CredentialsReady");
  EXPECT_NE(c.value("message", "").find("rot-token"), std::string::npos) << c.dump();
  EXPECT_TRUE(get("deployment", "rot-agent").is_null());
  // No hot loop: reconciles stay put while nothing changes.
  uint64_t before = reconcileCount("rot");
  std::this_thread::sleep_for(std::chrono::seconds(3));  // observation window, not a wait-for
  EXPECT_LE(reconcileCount("rot") - before, 2u);

  applySecret("rot-token", "first-token-value");
  ASSERT_TRUE(eventually([&] { return conditionIs("rot", "CredentialsReady", "True"); }));
  json d;
  ASSERT_TRUE(eventually([&] { return !(d = get("deployment", "rot-agent")).is_null(); }));
  const std::string hash1 =
      d["spec"]["template"]["metadata"]["annotations"].value("argoproj.io/credentials-hash", "");
  ASSERT_FALSE(hash1.empty());
  ASSERT_TRUE(eventually([&] {
    json rs = kubectlJson({"get", "replicasets", "-n", ns()});
    return !rs.is_null() && rs["items"].size() == 1;
  }));

  applySecret("rot-token", "second-token-value");
  EXPECT_TRUE(eventually([&] {
    json now = get("deployment", "rot-agent");
    return !now.is_null() && now["spec"]["template"]["metadata"]["annotations"].value(
                                 "argoproj.io/credentials-hash", "") != hash1;
  })) << "credentials hash did not change";
  EXPECT_TRUE(eventually([&] {
    json rs = kubectlJson({"get", "replicasets", "-n", ns()});
    return !rs.is_null() && rs["items"].size() == 2;
  })) << "no new ReplicaSet after rotation";
  for (const char* kind : {"deployments", "replicasets", "pods"}) {
    auto out = ControlPlane::instance().kubectl({"get", kind, "-n", ns(), "-o", "json"});
    EXPECT_EQ(out.output.find("second-token-value"), std::string::npos) << kind;
  }
}

// spec.proxy.httpsProxySecretRef: the URL (with the proxy's password) goes
// from the user's Secret into the creds Secret and reaches the agent by
// secretKeyRef; the pod spec never holds it, and changing it rolls the agent.
TEST_F(ClusterAgentIntegrationTest, ProxyUrlFromASecretReachesTheAgentOnlyBySecretKeyRef) {
  applyDefaultTlsSecrets();
  json ca = seedManifest("px");
  ca["spec"].erase("authToken");  // mtls: the creds Secret exists for the proxy alone
  ca["spec"]["proxy"] = {{"httpsProxySecretRef", {{"name", "px-egress"}}}, {"noProxy", ".svc"}};
  apply(ca);
  auto credentialsReason = [&] {
    json c = condition("px", "CredentialsReady");
    return c.is_null() ? std::string() : c.value("reason", "");
  };
  ASSERT_TRUE(eventually([&] { return credentialsReason() == "ProxySecretMissing"; }))
      << condition("px", "CredentialsReady").dump();
  EXPECT_NE(condition("px", "CredentialsReady").value("message", "").find("px-egress"),
            std::string::npos);
  EXPECT_TRUE(get("deployment", "px-agent").is_null()) << "no agent without its proxy";

  auto applyProxy = [&](const std::string& url) {
    apply({{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", "px-egress"}, {"namespace", ns()}}},
           {"stringData", {{"httpsProxy", url}}}});
  };
  applyProxy("http://agent:proxy-pass-ONE@proxy.internal:3128");
  ASSERT_TRUE(eventually([&] { return conditionIs("px", "CredentialsReady", "True"); }))
      << condition("px", "CredentialsReady").dump();
  json d;
  ASSERT_TRUE(eventually([&] { return !(d = get("deployment", "px-agent")).is_null(); }));
  json proxyEnv;
  for (const auto& e : d["spec"]["template"]["spec"]["containers"][0]["env"]) {
    if (e.value("name", "") == "HTTPS_PROXY") proxyEnv = e;
  }
  EXPECT_EQ(proxyEnv,
            json({{"name", "HTTPS_PROXY"},
                  {"valueFrom",
                   {{"secretKeyRef", {{"name", "px-agent-creds"}, {"key", "https-proxy"}}}}}}))
      << proxyEnv.dump();
  json creds = get("secret", "px-agent-creds");
  ASSERT_FALSE(creds.is_null());
  EXPECT_EQ(creds.value("/data/https-proxy"_json_pointer, std::string()),
            testsupport::base64Encode("http://agent:proxy-pass-ONE@proxy.internal:3128"));
  const std::string hash1 =
      d["spec"]["template"]["metadata"]["annotations"].value("argoproj.io/credentials-hash", "");
  ASSERT_FALSE(hash1.empty());

  applyProxy("http://agent:proxy-pass-TWO@proxy.internal:3128");
  EXPECT_TRUE(eventually([&] {
    json now = get("deployment", "px-agent");
    return !now.is_null() && now["spec"]["template"]["metadata"]["annotations"].value(
                                 "argoproj.io/credentials-hash", "") != hash1;
  })) << "changing the proxy Secret did not change the pod template's hash";
  EXPECT_TRUE(eventually([&] {
    json now = get("secret", "px-agent-creds");
    return !now.is_null() &&
           now.value("/data/https-proxy"_json_pointer, std::string()) ==
               testsupport::base64Encode("http://agent:proxy-pass-TWO@proxy.internal:3128");
  }));
  for (const char* kind : {"deployments", "replicasets", "pods", "events", "clusteragents"}) {
    auto out = ControlPlane::instance().kubectl({"get", kind, "-n", ns(), "-o", "json"});
    EXPECT_EQ(out.output.find("proxy-pass-"), std::string::npos) << kind;
  }
}

TEST_F(ClusterAgentIntegrationTest, DeletionCleansUpClusterScopedAndReleasesTheFinalizer) {
  applyDefaultTlsSecrets();
  json ca = seedManifest("gone");
  ca["spec"]["rbac"] = {{"clusterWide", true}};
  apply(ca);
  const std::string clusterName = "clusteragent:" + ns() + ":gone";
  ASSERT_TRUE(eventually([&] { return !get("clusterrole", clusterName).is_null(); }));
  ASSERT_TRUE(eventually([&] { return !get("clusterrolebinding", clusterName).is_null(); }));
  ASSERT_TRUE(eventually([&] { return !get("deployment", "gone-agent").is_null(); }));
  json crb = get("clusterrolebinding", clusterName);
  EXPECT_EQ(crb["subjects"][0]["namespace"], ns());

  auto grantsApplications = [&] {
    json role = get("clusterrole", clusterName);
    if (role.is_null()) return false;
    for (const auto& rule : role.value("rules", json::array())) {
      for (const auto& resource : rule.value("resources", json::array())) {
        if (resource == "applications") return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(eventually(grantsApplications)) << get("clusterrole", clusterName).dump();

  // Turning clusterWide off narrows the ClusterRole to what every agent needs
  // (upstream's agent always watches Namespaces cluster-wide); it stays.
  ca["spec"]["rbac"]["clusterWide"] = false;
  apply(ca);
  EXPECT_TRUE(eventually([&] { return !grantsApplications(); }));
  EXPECT_FALSE(get("clusterrole", clusterName).is_null());
  EXPECT_FALSE(get("clusterrolebinding", clusterName).is_null());
  ca["spec"]["rbac"]["clusterWide"] = true;
  apply(ca);
  ASSERT_TRUE(eventually(grantsApplications));

  ASSERT_TRUE(ControlPlane::instance()
                  .kubectl({"delete", "clusteragent", "gone", "-n", ns(), "--wait=false"})
                  .ok());
  EXPECT_TRUE(eventually([&] { return get("clusteragent", "gone").is_null(); }))
      << "finalizer not released";
  EXPECT_TRUE(get("clusterrole", clusterName).is_null());
  EXPECT_TRUE(get("clusterrolebinding", clusterName).is_null());
  // The garbage collector (kube-controller-manager) removes the namespaced children.
  EXPECT_TRUE(eventually([&] { return get("deployment", "gone-agent").is_null(); }));
  EXPECT_TRUE(eventually([&] { return get("secret", "gone-agent-creds").is_null(); }));
}

// Without spec.auth.clientCertSecretRef upstream's agent loads its client
// certificate from Secret argocd-agent-client-tls and exits without it: the
// operator reports that and waits; creating the Secret heals the ClusterAgent
// without any change to it.
TEST_F(ClusterAgentIntegrationTest, MissingClientCertIsReportedUntilTheSecretIsCreated) {
  apply(seedManifest("nocert"));
  ASSERT_TRUE(eventually([&] { return conditionIs("nocert", "CredentialsReady", "False"); }));
  json c = condition("nocert", "CredentialsReady");
  EXPECT_EQ(c.value("reason", ""), "ClientCertificateMissing") << c.dump();
  EXPECT_NE(c.value("message", "").find(ns() + "/argocd-agent-client-tls"), std::string::npos)
      << c.dump();
  EXPECT_NE(c.value("message", "").find("spec.auth.clientCertSecretRef"), std::string::npos)
      << c.dump();
  EXPECT_TRUE(get("deployment", "nocert-agent").is_null());
  auto generation = [&] {
    return get("clusteragent", "nocert")["metadata"].value("generation", int64_t{0});
  };
  const int64_t generationBefore = generation();

  applyDefaultTlsSecrets();
  ASSERT_TRUE(eventually([&] { return conditionIs("nocert", "CredentialsReady", "True"); }))
      << condition("nocert", "CredentialsReady").dump();
  EXPECT_TRUE(eventually([&] { return !get("deployment", "nocert-agent").is_null(); }));
  EXPECT_EQ(generation(), generationBefore);  // healed without touching the ClusterAgent
}

TEST_F(ClusterAgentIntegrationTest, InvalidSpecPastTheSchemaIsReportedWithoutAHotLoop) {
  const auto& cp = ControlPlane::instance();
  // Loosen the CRD so an object the schema would refuse gets stored, as one
  // written before the current schema would be.
  json crd = kubectlJson({"get", "crd", "clusteragents.argoproj.io"});
  ASSERT_FALSE(crd.is_null());
  json versions = crd["spec"]["versions"];
  for (auto& v : versions) {
    v["schema"] = {
        {"openAPIV3Schema", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}};
  }
  auto loosen = cp.kubectl({"patch", "crd", "clusteragents.argoproj.io", "--type=merge", "-p",
                            json{{"spec", {{"versions", versions}}}}.dump()});
  ASSERT_TRUE(loosen.ok()) << loosen.output;
  struct Restore {
    ~Restore() {
      ControlPlane::instance().kubectl(
          {"apply", "--server-side", "--force-conflicts", "-f",
           ControlPlane::instance().repoRoot() + "/crds/clusteragents.argoproj.io.yaml"});
    }
  } restore;

  json ca = seedManifest("bad");
  ca["spec"]["serverAddr"] = "ftp://argocd.example.com/path";
  bool stored = false;
  ASSERT_TRUE(eventually([&] { return stored = kubectlApply(ca).ok(); }))
      << "loosened CRD still refuses";
  ASSERT_TRUE(eventually([&] { return conditionIs("bad", "SpecValid", "False"); }));
  json c = condition("bad", "SpecValid");
  EXPECT_EQ(c.value("reason", ""), "InvalidSpec");
  EXPECT_NE(c.value("message", "").find("spec.serverAddr"), std::string::npos) << c.dump();
  EXPECT_TRUE(get("deployment", "bad-agent").is_null());
  EXPECT_TRUE(get("serviceaccount", "bad-agent").is_null());
  EXPECT_TRUE(get("secret", "bad-agent-creds").is_null());
  uint64_t before = reconcileCount("bad");
  std::this_thread::sleep_for(std::chrono::seconds(3));  // observation window, not a wait-for
  EXPECT_LE(reconcileCount("bad") - before, 2u) << "invalid spec is reconciled in a loop";
  ASSERT_TRUE(cp.kubectl({"delete", "clusteragent", "bad", "-n", ns(), "--wait=false"}).ok());
}

// Issue 10: an object in a child's place that this ClusterAgent did not
// create is neither taken over nor deleted; status names it, and the
// ClusterAgent converges once its owner removes it. Before, a forced apply
// took the Role over.
TEST_F(ClusterAgentIntegrationTest, AnObjectInAChildsPlaceIsLeftAloneAndNamedInStatus) {
  applyDefaultTlsSecrets();
  apply(
      {{"apiVersion", "rbac.authorization.k8s.io/v1"},
       {"kind", "Role"},
       {"metadata", {{"name", "taken-agent"}, {"namespace", ns()}}},
       {"rules",
        json::array({{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"get"}}}})}});
  const json before = get("role", "taken-agent");
  ASSERT_FALSE(before.is_null());
  auto ready = [&](const char* key) {
    const json c = condition("taken", "Ready");
    return c.is_null() ? std::string() : c.value(key, "");
  };
  apply(seedManifest("taken"));
  ASSERT_TRUE(eventually([&] { return ready("reason") == "ChildConflict"; }))
      << get("clusteragent", "taken").dump();
  EXPECT_NE(ready("message").find("Role " + ns() + "/taken-agent"), std::string::npos);
  EXPECT_EQ(get("clusteragent", "taken").value("/status/phase"_json_pointer, std::string()),
            "Degraded");
  const json after = get("role", "taken-agent");
  EXPECT_EQ(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_EQ(after["rules"], before["rules"]);
  EXPECT_TRUE(get("deployment", "taken-agent").is_null())
      << "the agent would run beside a Role it does not control";

  ASSERT_TRUE(ControlPlane::instance().kubectl({"delete", "role", "taken-agent", "-n", ns()}).ok());
  ASSERT_TRUE(eventually([&] { return !get("deployment", "taken-agent").is_null(); }));
  EXPECT_EQ(get("role", "taken-agent")
                .value("/metadata/labels/argoproj.io~1clusteragent"_json_pointer, std::string()),
            "taken");
  EXPECT_TRUE(eventually([&] { return ready("reason") != "ChildConflict"; }));
}

}  // namespace
}  // namespace clusteragent
