#include "reconcilers/clusteragent/target_namespaces.h"

#include <gtest/gtest.h>

#include "tests/builders/cluster_agent_builder.h"

namespace clusteragent {
namespace {

using namespace testbuilders;

TEST(TargetNamespaces, IndexesOnlyAnotherNamespace) {
  EXPECT_TRUE(targetNamespaceKeys(makeClusterAgent("a")).empty());
  EXPECT_TRUE(targetNamespaceKeys(makeClusterAgent("a", withArgocdNamespace("argocd"))).empty());
  EXPECT_EQ(targetNamespaceKeys(makeClusterAgent("a", withArgocdNamespace("gitops"))),
            std::vector<std::string>{"gitops"});
  // Whatever the schema let through: never a crash.
  EXPECT_TRUE(
      targetNamespaceKeys(makeClusterAgent("a", withSpecField("argocdNamespace", 7))).empty());
  EXPECT_TRUE(targetNamespaceKeys(json::object()).empty());
  EXPECT_TRUE(targetNamespaceKeys(json{{"spec", "x"}}).empty());
}

TEST(TargetNamespaces, TrimKeepsNameAndLabels) {
  json ns = {{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata",
              {{"name", "gitops"},
               {"uid", "u"},
               {"resourceVersion", "7"},
               {"labels", {{"clusteragent.argoproj.io/allow-from-argocd", "true"}}},
               {"annotations", {{"big", std::string(1000, 'x')}}},
               {"managedFields", json::array({json::object()})}}},
             {"spec", {{"finalizers", {"kubernetes"}}}},
             {"status", {{"phase", "Active"}}}};
  json t = trimNamespace(ns);
  EXPECT_EQ(t["metadata"]["name"], "gitops");
  EXPECT_EQ(t["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(t["metadata"]["labels"], ns["metadata"]["labels"]);
  EXPECT_FALSE(t["metadata"].contains("annotations"));
  EXPECT_FALSE(t["metadata"].contains("managedFields"));
  EXPECT_FALSE(t.contains("spec"));
  EXPECT_EQ(t["kind"], "Namespace");
}

}  // namespace
}  // namespace clusteragent
