#include "reconcilers/clusteragent/ownership.h"

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/secret_references.h"

namespace clusteragent {
namespace {

TEST(OwnershipTest, ControllerOwnerReferenceWins) {
  json obj = {{"metadata",
               {{"namespace", "ns"},
                {"ownerReferences",
                 {{{"apiVersion", "argoproj.io/v1alpha1"},
                   {"kind", "ClusterAgent"},
                   {"name", "a"},
                   {"controller", true}}}}}}};
  EXPECT_EQ(ownerKeyOf(obj), "ns/a");
}

TEST(OwnershipTest, NonControllerOrForeignReferencesAreIgnored) {
  json obj = {{"metadata",
               {{"namespace", "ns"},
                {"ownerReferences",
                 {{{"apiVersion", "argoproj.io/v1alpha1"}, {"kind", "ClusterAgent"}, {"name", "a"}},
                  {{"apiVersion", "apps/v1"},
                   {"kind", "ReplicaSet"},
                   {"name", "r"},
                   {"controller", true}}}}}}};
  EXPECT_EQ(ownerKeyOf(obj), "");
}

TEST(OwnershipTest, LabelsMapClusterScopedAndCrossNamespaceChildren) {
  json clusterScoped = {{"metadata",
                         {{"name", "clusteragent-ns-a"},
                          {"labels",
                           {{kManagedByLabel, kManagedByValue},
                            {kClusterAgentLabel, "a"},
                            {kClusterAgentNamespaceLabel, "ns"}}}}}};
  EXPECT_EQ(ownerKeyOf(clusterScoped), "ns/a");
  EXPECT_TRUE(ownedBy(clusterScoped, "ns", "a"));
  EXPECT_FALSE(ownedBy(clusterScoped, "other", "a"));
  json noNs = clusterScoped;
  noNs["metadata"]["labels"].erase(kClusterAgentNamespaceLabel);
  EXPECT_EQ(ownerKeyOf(noNs), "");  // cluster-scoped without the namespace label: unknown owner
  json sameNs = {{"metadata",
                  {{"namespace", "ns"},
                   {"labels", {{kManagedByLabel, kManagedByValue}, {kClusterAgentLabel, "a"}}}}}};
  EXPECT_EQ(ownerKeyOf(sameNs), "ns/a");
  EXPECT_TRUE(ownedBy(sameNs, "ns", "a"));
  sameNs["metadata"]["labels"].erase(kManagedByLabel);
  EXPECT_FALSE(ownedBy(sameNs, "ns", "a"));  // not managed by us: never deleted as ours
}

TEST(SecretReferencesTest, EveryReferencedSecretOnce) {
  json ca = {{"metadata", {{"namespace", "ns"}, {"name", "a"}}},
             {"spec",
              {{"authTokenSecretRef", {{"name", "tok"}}},
               {"tls", {{"caSecretRef", {{"name", "ca"}}}}},
               {"auth", {{"clientCertSecretRef", {{"name", "tok"}}}}},
               {"redis", {{"passwordSecretRef", {{"name", "redis"}}}}}}}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/ca", "ns/redis", "ns/tok"}));
}

TEST(SecretReferencesTest, ToleratesMalformedSpecs) {
  json ca = {{"metadata", {{"namespace", "ns"}}},
             {"spec",
              {{"authTokenSecretRef", "oops"},
               {"tls", {{"caSecretRef", {{"name", 3}}}}},
               {"argocdNamespace", 7},
               {"env", "oops"}}}};
  // Only the Secrets the agent reads by default are left.
  const std::vector<std::string> onlyDefault = {"ns/argocd-agent-ca", "ns/argocd-agent-client-tls",
                                                "ns/argocd-redis"};
  EXPECT_EQ(referencedSecretKeys(ca), onlyDefault);
  EXPECT_EQ(referencedSecretKeys(json{{"metadata", {{"namespace", "ns"}}}}), onlyDefault);
  EXPECT_EQ(referencedSecretKeys(json{{"metadata", {{"namespace", "ns"}}}, {"spec", "oops"}}),
            onlyDefault);
}

// Without its own client certificate the agent loads argocd-agent-client-tls
// from argocdNamespace; creating that Secret must wake the ClusterAgent.
TEST(SecretReferencesTest, DefaultClientCertSecretInTheAgentNamespace) {
  json ca = {{"metadata", {{"namespace", "ns"}, {"name", "a"}}},
             {"spec", {{"authTokenSecretRef", {{"name", "tok"}}}, {"argocdNamespace", "gitops"}}}};
  EXPECT_EQ(referencedSecretKeys(ca),
            (std::vector<std::string>{"gitops/argocd-agent-ca", "gitops/argocd-agent-client-tls",
                                      "ns/tok"}));

  ca["spec"]["env"] = {{{"name", "ARGOCD_AGENT_TLS_SECRET_NAME"}, {"value", "mine"}}};
  EXPECT_EQ(referencedSecretKeys(ca),
            (std::vector<std::string>{"gitops/argocd-agent-ca", "gitops/mine", "ns/tok"}));

  ca["spec"]["env"] = {{{"name", "ARGOCD_AGENT_INSECURE_PLAINTEXT"}, {"value", "true"}}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/tok"}));

  ca["spec"].erase("env");
  ca["spec"]["auth"] = {{"clientCertSecretRef", {{"name", "cert"}}}};
  EXPECT_EQ(referencedSecretKeys(ca),
            (std::vector<std::string>{"gitops/argocd-agent-ca", "ns/cert", "ns/tok"}));
}

// Without a CA of the operator's the agent loads argocd-agent-ca from
// argocdNamespace; Argo CD's redis password is read from argocd-redis when
// the pod can see it. Either appearing must wake the ClusterAgent.
TEST(SecretReferencesTest, DefaultCaAndRedisSecrets) {
  json ca = {{"metadata", {{"namespace", "ns"}, {"name", "a"}}},
             {"spec", {{"auth", {{"clientCertSecretRef", {{"name", "cert"}}}}}}}};
  EXPECT_EQ(referencedSecretKeys(ca),
            (std::vector<std::string>{"ns/argocd-agent-ca", "ns/argocd-redis", "ns/cert"}));

  ca["spec"]["tls"] = {{"rootCAPath", "/etc/ssl/certs/ca-certificates.crt"}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/argocd-redis", "ns/cert"}));
  ca["spec"]["tls"] = {{"insecureSkipVerify", true}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/argocd-redis", "ns/cert"}));
  ca["spec"]["tls"] = {{"insecureSkipVerify", false}};
  ca["spec"]["env"] = {{{"name", "ARGOCD_AGENT_TLS_ROOT_CA_SECRET_NAME"}, {"value", "my-ca"}}};
  EXPECT_EQ(referencedSecretKeys(ca),
            (std::vector<std::string>{"ns/argocd-redis", "ns/cert", "ns/my-ca"}));
  ca["spec"]["env"] = {{{"name", "ARGOCD_AGENT_TLS_ROOT_CA_PATH"}, {"value", "/ca.pem"}}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/argocd-redis", "ns/cert"}));

  // A pod cannot read another namespace's Secret: no default redis reference.
  ca["spec"]["argocdNamespace"] = "gitops";
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/cert"}));
  ca["spec"]["argocdNamespace"] = "ns";
  ca["spec"]["redis"] = {{"passwordSecretRef", {{"name", "pw"}}}};
  EXPECT_EQ(referencedSecretKeys(ca), (std::vector<std::string>{"ns/cert", "ns/pw"}));
}

}  // namespace
}  // namespace clusteragent
