#include "controller/kube/request_encoding.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

TEST(ResourcePathTest, CoreNamespaced) {
  EXPECT_EQ(resources::kConfigMaps.collectionPath("ns1"), "/api/v1/namespaces/ns1/configmaps");
  EXPECT_EQ(resources::kConfigMaps.objectPath("ns1", "cm"), "/api/v1/namespaces/ns1/configmaps/cm");
  EXPECT_EQ(resources::kPods.collectionPath(""), "/api/v1/pods");
}

TEST(ResourcePathTest, GroupedAndClusterScoped) {
  EXPECT_EQ(resources::kDeployments.objectPath("a", "d"),
            "/apis/apps/v1/namespaces/a/deployments/d");
  EXPECT_EQ(resources::kClusterRoles.objectPath("ignored", "system:x"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Ax");
  EXPECT_EQ(resources::kNamespaces.objectPath("", "default"), "/api/v1/namespaces/default");
  EXPECT_EQ(resources::kCustomResourceDefinitions.qualifiedName(),
            "customresourcedefinitions.apiextensions.k8s.io");
  Resource ca{"argoproj.io", "v1alpha1", "clusteragents", "ClusterAgent", true};
  EXPECT_EQ(ca.collectionPath("x"), "/apis/argoproj.io/v1alpha1/namespaces/x/clusteragents");
  EXPECT_EQ(ca.apiVersion(), "argoproj.io/v1alpha1");
}

TEST(ResourcePathTest, FindByKind) {
  EXPECT_EQ(resources::findByKind("apps/v1", "Deployment"), &resources::kDeployments);
  EXPECT_EQ(resources::findByKind("v1", "Secret"), &resources::kSecrets);
  EXPECT_EQ(resources::findByKind("v1", "Deployment"), nullptr);
  EXPECT_EQ(resources::wellKnown().size(), 15u);
}

TEST(RequestEncodingTest, PercentEncode) {
  EXPECT_EQ(percentEncode("abc-._~XYZ09"), "abc-._~XYZ09");
  EXPECT_EQ(percentEncode("app in (a,b)"), "app%20in%20%28a%2Cb%29");
  EXPECT_EQ(percentEncode("a=b,c!=d"), "a%3Db%2Cc%21%3Dd");
  EXPECT_EQ(percentEncode("x&y+z/"), "x%26y%2Bz%2F");
  EXPECT_EQ(percentEncode("\xc3\xa9"), "%C3%A9");
}

TEST(RequestEncodingTest, ListQuery) {
  EXPECT_EQ(listQuery({}), "");
  ListOptions o;
  o.labelSelector = "app=x,tier!=db";
  o.fieldSelector = "metadata.name=n";
  o.limit = 500;
  o.continueToken = "eyJ2Ijoi+/=";
  o.resourceVersion = "0";
  o.resourceVersionMatch = "NotOlderThan";
  EXPECT_EQ(listQuery(o),
            "?labelSelector=app%3Dx%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dn&limit=500"
            "&continue=eyJ2Ijoi%2B%2F%3D&resourceVersion=0&resourceVersionMatch=NotOlderThan");
}

TEST(RequestEncodingTest, WatchQuery) {
  WatchOptions o;
  o.resourceVersion = "123";
  o.timeoutSeconds = 60;
  o.labelSelector = "a=b";
  EXPECT_EQ(watchQuery(o),
            "?watch=1&allowWatchBookmarks=true&timeoutSeconds=60&labelSelector=a%3Db"
            "&resourceVersion=123");
  o.allowWatchBookmarks = false;
  o.timeoutSeconds = 0;
  o.labelSelector.clear();
  EXPECT_EQ(watchQuery(o), "?watch=1&resourceVersion=123");
}

TEST(RequestEncodingTest, BodiesWithInvalidUtf8AreSentNotThrown) {
  nlohmann::json status = {{"message", std::string("peer said \xff\xfe then \xc3")}};
  EXPECT_THROW(status.dump(), nlohmann::json::type_error);  // what a plain dump does
  std::string body;
  ASSERT_NO_THROW(body = encodeBody(status));
  EXPECT_EQ(body, "{\"message\":\"peer said \xEF\xBF\xBD\xEF\xBF\xBD then \xEF\xBF\xBD\"}");
  EXPECT_EQ(encodeBody({{"a", 1}}), "{\"a\":1}");
}

TEST(RequestEncodingTest, LogQuery) {
  EXPECT_EQ(logQuery(LogOptions{}), "");
  LogOptions o;
  o.container = "agent";
  o.tailLines = 50;
  o.limitBytes = 16384;
  EXPECT_EQ(logQuery(o), "?container=agent&tailLines=50&limitBytes=16384");
}

TEST(RequestEncodingTest, PatchContentTypesAndQuery) {
  EXPECT_STREQ(patchContentType(PatchType::kMerge), "application/merge-patch+json");
  EXPECT_STREQ(patchContentType(PatchType::kJson), "application/json-patch+json");
  EXPECT_STREQ(patchContentType(PatchType::kStrategicMerge),
               "application/strategic-merge-patch+json");
  EXPECT_STREQ(patchContentType(PatchType::kApply), "application/apply-patch+yaml");
  PatchOptions p;
  p.fieldManager = "op";
  p.force = true;
  EXPECT_EQ(patchQuery(PatchType::kApply, p), "?fieldManager=op&force=true");
  EXPECT_EQ(patchQuery(PatchType::kMerge, p), "?fieldManager=op");  // force is apply-only
  EXPECT_EQ(patchQuery(PatchType::kMerge, {}), "");
}

TEST(RequestEncodingTest, DeleteOptionsBody) {
  EXPECT_EQ(deleteOptionsBody({}),
            (nlohmann::json{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}}));
  DeleteOptions d;
  d.propagationPolicy = "Foreground";
  d.preconditionUid = "u-1";
  d.preconditionResourceVersion = "42";
  auto b = deleteOptionsBody(d);
  EXPECT_EQ(b["propagationPolicy"], "Foreground");
  EXPECT_EQ(b["preconditions"]["uid"], "u-1");
  EXPECT_EQ(b["preconditions"]["resourceVersion"], "42");
  EXPECT_FALSE(b.contains("gracePeriodSeconds"));
  d.gracePeriodSeconds = 0;
  EXPECT_EQ(deleteOptionsBody(d)["gracePeriodSeconds"], 0);
}

}  // namespace
}  // namespace ctrl::kube
