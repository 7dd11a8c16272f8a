#include "reconcilers/clusteragent/ownership.h"

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/secret_references.h"

namespace clusteragent {
namespace {

TEST(OwnershipTest, ControllerOwnerReferenceWins) {
  json obj = {{"metadata",
               {{"namespace", "ns"},
                {"ownerReferences",
                 {{{"apiVersion", "argoproj.io/v1alpha1"}, {"kind", "ClusterAgent"}, {"name", "a"},
                   {"controller", true}}}}}}};
  EXPECT_EQ(ownerKeyOf(obj), "ns/a");
}

TEST(OwnershipTest, NonControllerOrForeignReferencesAreIgnored) {
  json obj = {{"metadata",
               {{"namespace", "ns"},
                {"ownerReferences",
                 {{{"apiVersion", "argoproj.io/v1alpha1"}, {"kind", "ClusterAgent"}, {"name", "a"}},
                  {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "r"},
                   {"controller", true}}}}}}};
  EXPECT_EQ(ownerKeyOf(obj), "");
}

TEST(OwnershipTest, LabelsMapClusterScopedAndCrossNamespaceChildren) {
  json clusterScoped = {{"metadata",
                         {{"name", "clusteragent-ns-a"},
                          {"labels", {{kManagedByLabel, kManagedByValue},
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
             {"spec", {{"authTokenSecretRef", "oops"}, {"tls", {{"caSecretRef", {{"name", 3}}}}}}}};
  EXPECT_TRUE(referencedSecretKeys(ca).empty());
  EXPECT_TRUE(referencedSecretKeys(json{{"metadata", {{"namespace", "ns"}}}}).empty());
}

}  // namespace
}  // namespace clusteragent
