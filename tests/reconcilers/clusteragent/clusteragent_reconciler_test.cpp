#include "reconcilers/clusteragent/clusteragent_reconciler.h"

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/ensure_finalizer.h"
#include "tests/reconcilers/clusteragent/clusteragent_reconciler_test_fixture.h"

namespace clusteragent::testing {
namespace {

TEST_F(ClusterAgentReconcilerTest, MissingClusterAgentIsDone) {
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kDone);
  EXPECT_EQ(fake_->writeCount(), 0u);
}

TEST_F(ClusterAgentReconcilerTest, CreatesEveryChildWithOwnership) {
  seedAgent();
  seedToken();
  auto r = reconcile();
  ASSERT_EQ(r.kind, Kind::kDone) << r.message;

  auto ca = *fake_->object(kClusterAgents, "argocd", "aro-agent");
  EXPECT_TRUE(hasFinalizer(ca));
  std::string uid = ca["metadata"]["uid"];
  struct Child {
    ctrl::kube::Resource r;
    std::string name;
  };
  for (const auto& c :
       {Child{res::kServiceAccounts, "aro-agent-agent"}, Child{res::kRoles, "aro-agent-agent"},
        Child{res::kRoleBindings, "aro-agent-agent"}, Child{res::kSecrets, "aro-agent-agent-creds"},
        Child{res::kDeployments, "aro-agent-agent"},
        Child{res::kServices, "aro-agent-agent-metrics"}}) {
    auto o = fake_->object(c.r, "argocd", c.name);
    ASSERT_TRUE(o.has_value()) << c.r.plural << " " << c.name;
    const json& m = (*o)["metadata"];
    EXPECT_EQ(m["labels"]["app.kubernetes.io/managed-by"], "clusteragent-operator") << c.r.plural;
    EXPECT_EQ(m["labels"]["argoproj.io/clusteragent"], "aro-agent") << c.r.plural;
    ASSERT_EQ(m["ownerReferences"].size(), 1u) << c.r.plural;
    EXPECT_EQ(m["ownerReferences"][0]["uid"], uid);
    EXPECT_EQ(m["ownerReferences"][0]["controller"], true);
  }
  // New children are created with the operator's field manager (later
  // changes are applied: apply_test.cpp).
  for (const auto& w : fake_->writes()) {
    if (w.resource == "clusteragents") continue;
    EXPECT_EQ(w.verb, "create") << w.resource;
    EXPECT_EQ(w.fieldManager, "clusteragent-operator") << w.resource;
  }
  // Cluster-scoped, so not owner-referenced (the finalizer removes it); every
  // agent reads Namespaces cluster-wide.
  auto clusterRole = fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(clusterRole.has_value());
  EXPECT_FALSE((*clusterRole)["metadata"].contains("ownerReferences"));
  EXPECT_EQ((*clusterRole)["rules"].size(), 1u);
  EXPECT_TRUE(
      fake_->object(res::kClusterRoleBindings, "", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_EQ(credsHash().size(), 64u);
  expectTokenNowhereButCredsSecret(kToken);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  EXPECT_EQ(condition(kSpecValid)["status"], "True");
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "False");
}

TEST_F(ClusterAgentReconcilerTest, ConvergedReconcileMakesZeroWritesAndNoSecretReads) {
  seedAgent();
  seedToken();
  converge();
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "True");
  EXPECT_EQ(condition(kReady)["status"], "True");
  fake_->clearRecords();
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kDone);
  EXPECT_EQ(fake_->writeCount(), 0u);
  EXPECT_EQ(fake_->callCount("get"), 0u);  // the token is not re-read when unchanged
}

TEST_F(ClusterAgentReconcilerTest, StatusWriteHappensOnlyWhenStatusChanges) {
  seedAgent();
  seedToken();
  converge();
  size_t before = events_.events.size();
  fake_->clearRecords();
  reconcile();
  reconcile();
  EXPECT_EQ(fake_->writeCount(), 0u);
  EXPECT_EQ(events_.events.size(), before);
}

// Children's watch events wake the ClusterAgent again within milliseconds of
// its status write, often before its own watch event brings that write into
// the cache. Such a reconcile must not write the same status again nor repeat
// the condition-flip Events.
TEST_F(ClusterAgentReconcilerTest, CacheLaggingOurStatusWriteDoesNotRewriteItOrRepeatEvents) {
  seedAgent();
  seedToken();
  reconcile();
  reconcile();
  fake_->clearRecords();
  reconcile();
  ASSERT_EQ(fake_->writeCount(), 0u) << "settled";

  markDeploymentAvailable();
  sync();
  EXPECT_EQ(reconciler_->reconcile({"argocd", "aro-agent"}).kind, Kind::kDone);
  ASSERT_EQ(fake_->callCount("patch", "clusteragents"), 1u) << "DeploymentAvailable flipped";
  const size_t events = events_.events.size();

  // Woken again before the ClusterAgent's store has seen that write.
  fake_->clearRecords();
  EXPECT_EQ(reconciler_->reconcile({"argocd", "aro-agent"}).kind, Kind::kDone);
  EXPECT_EQ(fake_->writeCount(), 0u);
  EXPECT_EQ(events_.events.size(), events);

  // Caught up: compared with the cache again, still nothing to write.
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(fake_->writeCount(), 0u);
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "True");
}

TEST_F(ClusterAgentReconcilerTest, MissingTokenSecretIsAConditionNotAnError) {
  seedAgent();
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kDone) << r.message;
  json c = condition(kCredentialsReady);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "SecretNotFound");
  EXPECT_NE(c["message"].get<std::string>().find("argocd/aro-token"), std::string::npos);
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_EQ(status()["phase"], "Degraded");
  EXPECT_EQ(condition(kDeploymentAvailable)["reason"], "WaitingForCredentials");

  seedToken();
  r = reconcile();
  EXPECT_EQ(r.kind, Kind::kDone);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  EXPECT_TRUE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
}

TEST_F(ClusterAgentReconcilerTest, MissingKeyIsNamed) {
  seedAgent();
  fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"other", "x"}}));
  reconcile();
  EXPECT_EQ(condition(kCredentialsReady)["reason"], "SecretKeyMissing");
  EXPECT_NE(condition(kCredentialsReady)["message"].get<std::string>().find("\"token\""),
            std::string::npos);
}

TEST_F(ClusterAgentReconcilerTest, SecretVanishingLeavesTheDeploymentAlone) {
  seedAgent();
  seedToken();
  converge();
  json before = deployment();
  ASSERT_TRUE(fake_->remove(res::kSecrets, "argocd", "aro-token").isOk());
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(deployment()["spec"], before["spec"]);
  EXPECT_EQ(condition(kCredentialsReady)["status"], "False");
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "True");  // the running agent is kept
}

TEST_F(ClusterAgentReconcilerTest, RotatingTheTokenUpdatesCredsSecretAndRollsTheAgent) {
  seedAgent();
  seedToken();
  converge();
  std::string hash1 = credsHash();
  auto creds1 = *fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds");
  fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "tok-ROTATED-2"}}));
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_NE(credsHash(), hash1);
  auto creds2 = *fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds");
  EXPECT_NE(creds2.dump(), creds1.dump());
  EXPECT_NE(creds2.dump().find(base64Encode("aro-prod:tok-ROTATED-2")), std::string::npos);
  EXPECT_EQ(fake_->callCount("get", "secrets"), 1u);
  expectTokenNowhereButCredsSecret("tok-ROTATED-2");
}

TEST_F(ClusterAgentReconcilerTest, TamperedCredsSecretIsRewritten) {
  seedAgent();
  seedToken();
  converge();
  auto creds = *fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds");
  creds["data"] = {{"userpass.creds", base64Encode("aro-prod:wrong")}};
  creds.erase("stringData");
  fake_->seed(res::kSecrets, creds);
  fake_->clearRecords();
  reconcile();
  auto fixed = *fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds");
  EXPECT_NE(fixed.dump().find(base64Encode("aro-prod:" + kToken)), std::string::npos);
}

TEST_F(ClusterAgentReconcilerTest, DriftIsRepaired) {
  seedAgent();
  seedToken();
  converge();
  json d = deployment();
  std::string image = d["spec"]["template"]["spec"]["containers"][0]["image"];
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "evil:latest";
  fake_->seed(res::kDeployments, d);
  ASSERT_TRUE(fake_->remove(res::kServices, "argocd", "aro-agent-agent-metrics").isOk());
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_EQ(deployment()["spec"]["template"]["spec"]["containers"][0]["image"], image);
  EXPECT_TRUE(fake_->object(res::kServices, "argocd", "aro-agent-agent-metrics").has_value());
}

TEST_F(ClusterAgentReconcilerTest, InvalidSpecIsTerminalAndAppliesNothing) {
  seedAgent(json{{"serverAddr", "ftp://nope"},
                 {"clusterName", "aro-prod"},
                 {"authTokenSecretRef", {{"name", "aro-token"}}}});
  seedToken();
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kTerminalError);
  json c = condition(kSpecValid);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "InvalidSpec");
  EXPECT_NE(c["message"].get<std::string>().find("spec.serverAddr"), std::string::npos);
  EXPECT_EQ(status()["phase"], "Invalid");
  for (const auto& w : fake_->writes()) {
    EXPECT_EQ(w.resource, "clusteragents");
    EXPECT_EQ(w.subresource, "status");
  }
  // Again: nothing changes, nothing is written.
  fake_->clearRecords();
  EXPECT_EQ(reconcile().kind, Kind::kTerminalError);
  EXPECT_EQ(fake_->writeCount(), 0u);
}

TEST_F(ClusterAgentReconcilerTest, ClusterWideRbacWidensAndNarrowsTheClusterRole) {
  json spec = {{"serverAddr", "https://argocd.example.com"},
               {"clusterName", "aro-prod"},
               {"authTokenSecretRef", {{"name", "aro-token"}}},
               {"rbac", {{"clusterWide", true}}}};
  seedAgent(spec);
  seedToken();
  converge();
  auto cr = fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent");
  auto crb = fake_->object(res::kClusterRoleBindings, "", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(cr.has_value());
  ASSERT_TRUE(crb.has_value());
  EXPECT_EQ((*cr)["metadata"]["labels"]["argoproj.io/clusteragent-namespace"], "argocd");
  EXPECT_FALSE((*cr)["metadata"].contains("ownerReferences"));

  ASSERT_EQ((*cr)["rules"].size(), 2u);

  // Turned off: back to reading Namespaces only, the binding stays.
  auto ca = *fake_->object(kClusterAgents, "argocd", "aro-agent");
  ca["spec"]["rbac"]["clusterWide"] = false;
  fake_->seed(kClusterAgents, ca);
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  cr = fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(cr.has_value());
  ASSERT_EQ((*cr)["rules"].size(), 1u);
  EXPECT_EQ((*cr)["rules"][0]["verbs"], json({"get", "list", "watch"}));
  EXPECT_TRUE(
      fake_->object(res::kClusterRoleBindings, "", "clusteragent:argocd:aro-agent").has_value());
}

// An older operator named the ClusterRole/Binding clusteragent-<ns>-<name>,
// which two ClusterAgents could share; the labelled old pair is replaced.
TEST_F(ClusterAgentReconcilerTest, ClusterRoleUnderTheOldNameIsReplaced) {
  json labels = {{"app.kubernetes.io/managed-by", "clusteragent-operator"},
                 {"argoproj.io/clusteragent", "aro-agent"},
                 {"argoproj.io/clusteragent-namespace", "argocd"}};
  fake_->seed(res::kClusterRoles,
              json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "ClusterRole"},
                   {"metadata", {{"name", "clusteragent-argocd-aro-agent"}, {"labels", labels}}},
                   {"rules", json::array()}});
  fake_->seed(res::kClusterRoleBindings,
              json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "ClusterRoleBinding"},
                   {"metadata", {{"name", "clusteragent-argocd-aro-agent"}, {"labels", labels}}},
                   {"roleRef",
                    {{"apiGroup", "rbac.authorization.k8s.io"},
                     {"kind", "ClusterRole"},
                     {"name", "clusteragent-argocd-aro-agent"}}},
                   {"subjects", json::array()}});
  seedAgent();
  seedToken();
  converge();
  EXPECT_TRUE(fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_TRUE(
      fake_->object(res::kClusterRoleBindings, "", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(fake_->object(res::kClusterRoles, "", "clusteragent-argocd-aro-agent").has_value());
  EXPECT_FALSE(
      fake_->object(res::kClusterRoleBindings, "", "clusteragent-argocd-aro-agent").has_value());
}

TEST_F(ClusterAgentReconcilerTest, DeletionRemovesClusterScopedAndReleasesFinalizer) {
  json spec = {{"serverAddr", "https://argocd.example.com"},
               {"clusterName", "aro-prod"},
               {"authTokenSecretRef", {{"name", "aro-token"}}},
               {"rbac", {{"clusterWide", true}}}};
  seedAgent(spec);
  seedToken();
  converge();
  ASSERT_TRUE(fake_->remove(kClusterAgents, "argocd", "aro-agent").isOk());
  ASSERT_TRUE(
      fake_->object(kClusterAgents, "argocd", "aro-agent").has_value());  // held by finalizer
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_FALSE(fake_->object(res::kClusterRoles, "", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(
      fake_->object(res::kClusterRoleBindings, "", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(
      fake_->object(kClusterAgents, "argocd", "aro-agent").has_value());  // finalizer released
}

TEST_F(ClusterAgentReconcilerTest, CrossNamespaceRoleIsLabelledAndCleanedUp) {
  fake_->seed(res::kNamespaces, json{{"metadata", {{"name", "gitops"}}}});
  json spec = {{"serverAddr", "https://argocd.example.com"},
               {"clusterName", "aro-prod"},
               {"authTokenSecretRef", {{"name", "aro-token"}}},
               {"argocdNamespace", "gitops"}};
  seedAgent(spec);
  seedToken();
  converge();
  auto role = fake_->object(res::kRoles, "gitops", "clusteragent:argocd:aro-agent");
  ASSERT_TRUE(role.has_value());
  EXPECT_EQ((*role)["metadata"]["labels"]["argoproj.io/clusteragent-namespace"], "argocd");
  ASSERT_TRUE(fake_->remove(kClusterAgents, "argocd", "aro-agent").isOk());
  reconcile();
  EXPECT_FALSE(fake_->object(res::kRoles, "gitops", "clusteragent:argocd:aro-agent").has_value());
  EXPECT_FALSE(
      fake_->object(res::kRoleBindings, "gitops", "clusteragent:argocd:aro-agent").has_value());
}

TEST_F(ClusterAgentReconcilerTest, InlineTokenWorksWithAWarningAndStaysSecret) {
  seedAgent(json{{"serverAddr", "https://argocd.example.com"},
                 {"clusterName", "aro-prod"},
                 {"authToken", kToken},
                 {"tls", {{"insecureSkipVerify", true}}}});
  converge();
  EXPECT_EQ(condition(kInlineTokenInUse)["status"], "True");
  EXPECT_EQ(condition(kInsecureSkipVerify)["status"], "True");
  EXPECT_EQ(condition(kCredentialsReady)["status"], "True");
  auto creds = fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds");
  ASSERT_TRUE(creds.has_value());
  bool sawWarning = false;
  for (const auto& e : events_.events) {
    if (e.reason == "InlineAuthToken") sawWarning = e.type == "Warning";
  }
  EXPECT_TRUE(sawWarning);
  // The status and events never carry it; the Deployment does not either.
  EXPECT_EQ(status().dump().find(kToken), std::string::npos);
  for (const auto& e : events_.events) EXPECT_EQ(e.message.find(kToken), std::string::npos);
  EXPECT_EQ(deployment().dump().find(kToken), std::string::npos);
}

TEST_F(ClusterAgentReconcilerTest, ConditionFlipsEmitEventsOnTheClusterAgent) {
  seedAgent();
  reconcile();  // CredentialsReady=False
  bool sawCredsWarning = false;
  for (const auto& e : events_.events) {
    EXPECT_EQ(e.involved["kind"], "ClusterAgent");
    EXPECT_EQ(e.involved["metadata"]["name"], "aro-agent");
    if (e.reason == "SecretNotFound" && e.type == "Warning") sawCredsWarning = true;
  }
  EXPECT_TRUE(sawCredsWarning);
}

TEST_F(ClusterAgentReconcilerTest, FailingChildIsRetryableAndTheDeploymentWaitsForIt) {
  seedAgent();
  seedToken();
  bool rolesFail = true;
  fake_->setInjector(
      [&](const testmocks::FakeKubeClient::Call& c) -> std::optional<ctrl::kube::Status> {
        if (rolesFail && c.verb == "create" && c.resource == "roles") {
          return ctrl::kube::Status(ctrl::kube::Code::kForbidden, "roles is forbidden");
        }
        return std::nullopt;
      });
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kError);
  EXPECT_NE(r.message.find("rbac"), std::string::npos);
  // The steps that do not need the Role ran; the agent's pod does, so it waits.
  EXPECT_TRUE(fake_->object(res::kServiceAccounts, "argocd", "aro-agent-agent").has_value());
  EXPECT_TRUE(fake_->object(res::kSecrets, "argocd", "aro-agent-agent-creds").has_value());
  EXPECT_TRUE(fake_->object(res::kServices, "argocd", "aro-agent-agent-metrics").has_value());
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_EQ(condition(kDeploymentAvailable)["reason"], "NotCreated");
  EXPECT_NE(condition(kDeploymentAvailable)["message"].get<std::string>().find("not created"),
            std::string::npos);

  rolesFail = false;
  EXPECT_EQ(reconcile().kind, Kind::kDone);
  EXPECT_TRUE(fake_->object(res::kRoles, "argocd", "aro-agent-agent").has_value());
  EXPECT_TRUE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
}

TEST_F(ClusterAgentReconcilerTest, FailingChildLeavesARunningDeploymentAsItIs) {
  seedAgent();
  seedToken();
  converge();
  const json before = deployment();
  fake_->seed(res::kSecrets, secret("argocd", "aro-token", {{"token", "tok-ROTATED-2"}}));
  ASSERT_TRUE(fake_->remove(res::kServices, "argocd", "aro-agent-agent-metrics").isOk());
  fake_->setInjector(
      [](const testmocks::FakeKubeClient::Call& c) -> std::optional<ctrl::kube::Status> {
        if (c.resource == "services") {
          return ctrl::kube::Status(ctrl::kube::Code::kServerError, "unavailable");
        }
        return std::nullopt;
      });
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kError);
  EXPECT_NE(r.message.find("metrics-service"), std::string::npos);
  EXPECT_EQ(deployment()["spec"], before["spec"]);  // not rolled while a sibling is missing
  EXPECT_EQ(condition(kDeploymentAvailable)["status"], "True");
  EXPECT_FALSE(status().empty());
}

TEST_F(ClusterAgentReconcilerTest, FinalizerConflictIsRetried) {
  seedAgent();
  seedToken();
  fake_->failNext("patch", "clusteragents",
                  ctrl::kube::Status(ctrl::kube::Code::kConflict, "modified"));
  auto r = reconcile();
  EXPECT_EQ(r.kind, Kind::kError);
  EXPECT_FALSE(fake_->object(res::kDeployments, "argocd", "aro-agent-agent").has_value());
  EXPECT_EQ(reconcile().kind, Kind::kDone);
}

}  // namespace
}  // namespace clusteragent::testing
