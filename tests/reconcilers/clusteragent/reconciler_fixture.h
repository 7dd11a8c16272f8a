#pragma once
// A ClusterAgentReconciler over a FakeKubeClient, with stores synced from the
// fake before each reconcile as a caught-up informer would be.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "controller/cache/store.h"
#include "controller/manager/event_recorder.h"
#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/clusteragent_reconciler.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/secret_digest.h"
#include "reconcilers/clusteragent/secret_references.h"
#include "reconcilers/clusteragent/target_namespaces.h"
#include "reconcilers/clusteragent/tenant_policy.h"
#include "tests/mocks/kube/fake_kube_client.h"
#include "tests/reconcilers/clusteragent/test_pem.h"
#include "tests/support/base64.h"

namespace clusteragent::testing {

namespace res = ctrl::kube::resources;
using nlohmann::json;

struct RecordedEvent {
  json involved;
  std::string type;
  std::string reason;
  std::string message;
};

class RecordingEventRecorder : public ctrl::manager::EventRecorder {
 public:
  void event(const json& involved, const std::string& type, const std::string& reason,
             const std::string& message) override {
    events.push_back({involved, type, reason, message});
  }
  std::vector<RecordedEvent> events;
};

inline json clusterAgent(const std::string& ns, const std::string& name, json spec) {
  return json{{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "ClusterAgent"},
              {"metadata", {{"name", name}, {"namespace", ns}}},
              {"spec", std::move(spec)}};
}

inline json secret(const std::string& ns, const std::string& name, const json& stringData,
                   const std::string& type = "Opaque") {
  json data = json::object();
  for (auto it = stringData.begin(); it != stringData.end(); ++it) {
    data[it.key()] = testsupport::base64Encode(it.value().get<std::string>());
  }
  return json{{"apiVersion", "v1"},
              {"kind", "Secret"},
              {"type", type},
              {"metadata", {{"name", name}, {"namespace", ns}}},
              {"data", data}};
}

class ReconcilerFixture : public ::testing::Test {
 protected:
  ReconcilerFixture() : fake_(std::make_shared<testmocks::FakeKubeClient>()) {
    auto ownerIndex = [](const json& o) {
      std::string k = ownerKeyOf(o);
      return k.empty() ? std::vector<std::string>{} : std::vector<std::string>{k};
    };
    for (auto* s : {&deployments_, &services_, &serviceAccounts_, &secrets_, &roles_,
                    &roleBindings_, &clusterRoles_, &clusterRoleBindings_}) {
      s->addIndex(kOwnerIndex, ownerIndex);
    }
    clusterAgents_.addIndex(kSecretRefIndex, referencedSecretKeys);
    // Tests of other behaviour use cross-namespace agents, clusterWide and
    // other images freely; tenant-policy tests call setTenantPolicy.
    setTenantPolicy(TenantPolicy::unrestricted());
  }

  // A new reconciler with `policy` (tenant_policy.h).
  void setTenantPolicy(TenantPolicy policy) {
    ReconcilerOptions opts;
    opts.agentImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";
    opts.tenantPolicy = std::move(policy);
    opts.tenantPolicy.operatorImage = opts.agentImage;
    reconciler_ = std::make_unique<ClusterAgentReconciler>(fake_, caches(), &events_, opts);
  }

  // The fixture's stores as the reconciler's caches (no pods).
  Caches caches() {
    Caches c;
    c.clusterAgents = &clusterAgents_;
    c.deployments = &deployments_;
    c.services = &services_;
    c.serviceAccounts = &serviceAccounts_;
    c.secrets = &secrets_;
    c.roles = &roles_;
    c.roleBindings = &roleBindings_;
    c.clusterRoles = &clusterRoles_;
    c.clusterRoleBindings = &clusterRoleBindings_;
    c.namespaces = &namespaces_;
    return c;
  }

  // Upstream's default client certificate and CA Secrets in `ns` (the
  // agent's argocdNamespace): without them, and without
  // spec.auth.clientCertSecretRef / spec.tls.caSecretRef, CredentialsReady is
  // False.
  void seedDefaultTlsSecrets(const std::string& ns = "argocd") {
    fake_->seed(res::kSecrets, secret(ns, kDefaultClientCertSecret,
                                      {{"tls.crt", testpem::kCert}, {"tls.key", testpem::kKey}},
                                      "kubernetes.io/tls"));
    fake_->seed(res::kSecrets, secret(ns, kDefaultCaSecret, {{"ca.crt", testpem::kCert}}));
  }

  void sync() {
    fake_->syncStore(kClusterAgents, &clusterAgents_);
    fake_->syncStore(res::kDeployments, &deployments_);
    fake_->syncStore(res::kServices, &services_);
    fake_->syncStore(res::kServiceAccounts, &serviceAccounts_);
    fake_->syncStore(res::kSecrets, &secrets_, digestSecret);
    fake_->syncStore(res::kRoles, &roles_);
    fake_->syncStore(res::kRoleBindings, &roleBindings_);
    fake_->syncStore(res::kClusterRoles, &clusterRoles_);
    fake_->syncStore(res::kClusterRoleBindings, &clusterRoleBindings_);
    fake_->syncStore(res::kNamespaces, &namespaces_, trimNamespace);
  }

  ctrl::queue::Result reconcile(const std::string& ns = "argocd",
                                const std::string& name = "aro-agent") {
    sync();
    return reconciler_->reconcile({ns, name});
  }

  // Plays kube-controller-manager: the Deployment has rolled out.
  void markDeploymentAvailable(const std::string& ns = "argocd",
                               const std::string& name = "aro-agent-agent") {
    auto d = fake_->object(res::kDeployments, ns, name);
    ASSERT_TRUE(d.has_value());
    int64_t gen = (*d)["metadata"].value("generation", int64_t{1});
    int64_t replicas = (*d)["spec"].value("replicas", int64_t{1});
    ctrl::kube::PatchOptions po;
    po.subresource = "status";
    auto r = fake_->patch(res::kDeployments, ns, name, ctrl::kube::PatchType::kMerge,
                          json{{"status",
                                {{"observedGeneration", gen},
                                 {"replicas", replicas},
                                 {"updatedReplicas", replicas},
                                 {"readyReplicas", replicas},
                                 {"availableReplicas", replicas}}}},
                          po);
    ASSERT_TRUE(r.isOk());
  }

  // Reconciles until a pass makes no write (at most `max` passes); returns
  // the number of passes that wrote.
  int converge(int max = 5) {
    for (int i = 0; i < max; ++i) {
      fake_->clearRecords();
      auto r = reconcile();
      EXPECT_EQ(r.kind, ctrl::queue::Result::Kind::kDone) << r.message;
      size_t writes = fake_->writeCount();
      if (fake_->object(res::kDeployments, "argocd", "aro-agent-agent")) markDeploymentAvailable();
      if (writes == 0) {
        fake_->clearRecords();
        return i;
      }
    }
    std::string last;
    auto ws = fake_->writes();
    for (const auto& w : ws)
      last += " " + w.verb + ":" + w.resource + "/" + w.name + "/" + w.subresource;
    ADD_FAILURE() << "did not converge in " << max << " passes; last writes:" << last;
    return max;
  }

  // Only status writes on the ClusterAgent itself since the last
  // clearRecords(): what a refused ClusterAgent may get.
  void expectOnlyStatusWrites() const {
    for (const auto& w : fake_->writes()) {
      EXPECT_EQ(w.resource, "clusteragents") << w.verb << " " << w.resource << "/" << w.name;
      EXPECT_EQ(w.subresource, "status") << w.verb << " " << w.resource << "/" << w.name;
    }
  }

  // A secret value (token, proxy URL) in no write body but a Secret's, in no
  // Deployment, Service, ServiceAccount or Role, not in status, not in an Event.
  void expectNowhereButSecrets(const std::string& value) {
    for (const auto& w : fake_->writes()) {
      if (w.resource == "secrets") continue;
      EXPECT_EQ(w.body.dump().find(value), std::string::npos) << w.verb << " " << w.resource;
    }
    for (const auto& r : {res::kDeployments, res::kServices, res::kServiceAccounts, res::kRoles}) {
      for (const auto& o : fake_->objects(r)) {
        EXPECT_EQ(o.dump().find(value), std::string::npos) << r.plural;
      }
    }
    EXPECT_EQ(status().dump().find(value), std::string::npos);
    for (const auto& e : events_.events) EXPECT_EQ(e.message.find(value), std::string::npos);
  }

  json status() const {
    auto ca = fake_->object(kClusterAgents, "argocd", "aro-agent");
    return ca ? ca->value("status", json::object()) : json::object();
  }
  json condition(const std::string& type) const {
    const json conds = status().value("conditions", json::array());
    const json* c = ctrl::conditions::findCondition(conds, type);
    return c ? *c : json();
  }

  std::shared_ptr<testmocks::FakeKubeClient> fake_;
  RecordingEventRecorder events_;
  ctrl::cache::Store clusterAgents_, deployments_, services_, serviceAccounts_, secrets_, roles_,
      roleBindings_, clusterRoles_, clusterRoleBindings_, namespaces_;
  std::unique_ptr<ClusterAgentReconciler> reconciler_;
};

}  // namespace clusteragent::testing
