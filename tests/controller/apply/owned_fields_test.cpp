#include "controller/apply/owned_fields.h"

#include <gtest/gtest.h>

#include "controller/apply/quantity.h"

namespace ctrl::apply {
namespace {

json liveDeployment() {
  return R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "a-agent", "namespace": "ns", "uid": "u1", "resourceVersion": "7",
                 "generation": 2, "labels": {"app": "a", "extra": "x"},
                 "managedFields": [{"manager": "kube-controller-manager"}]},
    "spec": {"replicas": 1, "revisionHistoryLimit": 10,
             "template": {"spec": {"containers": [{
               "name": "agent", "image": "img:v1", "args": ["agent"],
               "terminationMessagePath": "/dev/termination-log",
               "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}},
               "ports": [{"containerPort": 8181, "protocol": "TCP"}]}]}}},
    "status": {"availableReplicas": 1}
  })"_json;
}

json desiredDeployment() {
  return R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "a-agent", "namespace": "ns", "labels": {"app": "a"}},
    "spec": {"replicas": 1,
             "template": {"spec": {"containers": [{
               "name": "agent", "image": "img:v1", "args": ["agent"],
               "resources": {"requests": {"cpu": "0.5", "memory": "128Mi"}},
               "ports": [{"containerPort": 8181}]}]}}}
  })"_json;
}

TEST(OwnedFieldsMatchTest, ServerPopulatedFieldsAreIgnored) {
  EXPECT_TRUE(ownedFieldsMatch(desiredDeployment(), liveDeployment()));
}

TEST(OwnedFieldsMatchTest, ChangedScalarIsAMismatch) {
  json d = desiredDeployment();
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "img:v2";
  EXPECT_FALSE(ownedFieldsMatch(d, liveDeployment()));
}

TEST(OwnedFieldsMatchTest, MissingOwnedLabelIsAMismatch) {
  json d = desiredDeployment();
  d["metadata"]["labels"]["argoproj.io/clusteragent"] = "a";
  EXPECT_FALSE(ownedFieldsMatch(d, liveDeployment()));
}

TEST(OwnedFieldsMatchTest, ArrayLengthMustMatch) {
  json d = desiredDeployment();
  d["spec"]["template"]["spec"]["containers"][0]["args"].push_back("--x");
  EXPECT_FALSE(ownedFieldsMatch(d, liveDeployment()));
  json l = liveDeployment();
  l["spec"]["template"]["spec"]["containers"][0]["args"].push_back("--y");
  EXPECT_FALSE(ownedFieldsMatch(desiredDeployment(), l));
}

TEST(OwnedFieldsMatchTest, ArraysCompareElementWiseInOrder) {
  json d = json{{"spec", {{"a", {1, 2}}}}};
  EXPECT_TRUE(ownedFieldsMatch(d, json{{"spec", {{"a", {1, 2}}}}}));
  EXPECT_FALSE(ownedFieldsMatch(d, json{{"spec", {{"a", {2, 1}}}}}));
}

TEST(OwnedFieldsMatchTest, ObjectsInsideArraysUseTheSubsetRule) {
  json d = json{{"spec", {{"ports", {{{"port", 8181}}}}}}};
  json l =
      json{{"spec", {{"ports", {{{"port", 8181}, {"protocol", "TCP"}, {"targetPort", 8181}}}}}}};
  EXPECT_TRUE(ownedFieldsMatch(d, l));
  l["spec"]["ports"][0]["port"] = 9000;
  EXPECT_FALSE(ownedFieldsMatch(d, l));
}

TEST(OwnedFieldsMatchTest, ZeroValuesMatchAbsentFields) {
  json d = json{{"spec",
                 {{"nodeSelector", json::object()},
                  {"tolerations", json::array()},
                  {"priorityClassName", ""},
                  {"hostNetwork", false},
                  {"x", nullptr}}}};
  EXPECT_TRUE(ownedFieldsMatch(d, json{{"spec", json::object()}}));
}

TEST(OwnedFieldsMatchTest, NonZeroValueMissingInLiveIsAMismatch) {
  EXPECT_FALSE(
      ownedFieldsMatch(json{{"spec", {{"paused", true}}}}, json{{"spec", json::object()}}));
  EXPECT_FALSE(ownedFieldsMatch(json{{"data", {{"k", "dg=="}}}}, json::object()));
}

TEST(OwnedFieldsMatchTest, ZeroValuePresentButDifferentIsAMismatch) {
  EXPECT_FALSE(
      ownedFieldsMatch(json{{"spec", {{"replicas", 0}}}}, json{{"spec", {{"replicas", 1}}}}));
}

TEST(OwnedFieldsMatchTest, NumbersCompareByValueAcrossRepresentations) {
  EXPECT_TRUE(ownedFieldsMatch(json{{"n", 1}}, json{{"n", 1u}}));
  EXPECT_TRUE(ownedFieldsMatch(json{{"n", 1}}, json{{"n", 1.0}}));
  EXPECT_FALSE(ownedFieldsMatch(json{{"n", 1}}, json{{"n", "1"}}));
}

TEST(OwnedFieldsMatchTest, QuantitiesCompareByValueOnlyUnderLimitsAndRequests) {
  json d = json{{"resources", {{"limits", {{"memory", "1Gi"}, {"cpu", "1"}}}}}};
  json l = json{{"resources", {{"limits", {{"memory", "1024Mi"}, {"cpu", "1000m"}}}}}};
  EXPECT_TRUE(ownedFieldsMatch(d, l));
  l["resources"]["limits"]["cpu"] = "2";
  EXPECT_FALSE(ownedFieldsMatch(d, l));
  // Elsewhere strings are strings: an env value "0.5" is not "500m".
  EXPECT_FALSE(ownedFieldsMatch(json{{"value", "0.5"}}, json{{"value", "500m"}}));
}

TEST(OwnedFieldsMatchTest, TopLevelApiVersionAndKindAreNotCompared) {
  // Objects from a list (the informer cache) may lack them.
  json l = liveDeployment();
  l.erase("apiVersion");
  l.erase("kind");
  EXPECT_TRUE(ownedFieldsMatch(desiredDeployment(), l));
}

TEST(OwnedFieldsMatchTest, TypeChangeIsAMismatch) {
  EXPECT_FALSE(ownedFieldsMatch(json{{"a", {{"b", 1}}}}, json{{"a", "str"}}));
  EXPECT_FALSE(ownedFieldsMatch(json{{"a", {1}}}, json{{"a", {{"0", 1}}}}));
  EXPECT_TRUE(ownedFieldsMatch(json{{"a", json::object()}}, json{{"a", nullptr}}));
}

TEST(OwnedFieldsMatchTest, ExtraMapKeysInLiveAreIgnored) {
  json d = json{{"metadata", {{"annotations", {{"argoproj.io/credentials-hash", "abc"}}}}}};
  json l = json{
      {"metadata",
       {{"annotations",
         {{"argoproj.io/credentials-hash", "abc"}, {"deployment.kubernetes.io/revision", "3"}}}}}};
  EXPECT_TRUE(ownedFieldsMatch(d, l));
  l["metadata"]["annotations"]["argoproj.io/credentials-hash"] = "def";
  EXPECT_FALSE(ownedFieldsMatch(d, l));
}

// The agent container's hardening as we apply it, and the live Deployment
// the API server keeps: volumeMounts' `readOnly: false` is omitempty and
// dropped, `allowPrivilegeEscalation: false` (a pointer) is kept. Both stay
// in the applier's managedFields.
json hardenedDesired() {
  return R"({"spec": {"template": {"spec": {"containers": [{
      "name": "agent",
      "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true},
      "volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": false}],
      "ports": [{"containerPort": 8181, "protocol": "TCP", "name": "metrics"}],
      "args": ["agent", ""]}],
      "tolerations": [{"key": "k", "operator": "Exists", "effect": ""}]}}}})"_json;
}

json hardenedLive() {
  return R"({"metadata": {"managedFields": [
      {"manager": "kube-controller-manager", "operation": "Update", "fieldsType": "FieldsV1",
       "fieldsV1": {"f:metadata": {"f:annotations": {".": {}}}}},
      {"manager": "clusteragent-operator", "operation": "Update", "subresource": "status",
       "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}}},
      {"manager": "clusteragent-operator", "operation": "Apply", "fieldsType": "FieldsV1",
       "fieldsV1": {"f:spec": {"f:template": {"f:spec": {
         "f:containers": {"k:{\"name\":\"agent\"}": {".": {}, "f:name": {},
           "f:securityContext": {"f:allowPrivilegeEscalation": {}, "f:readOnlyRootFilesystem": {}},
           "f:volumeMounts": {"k:{\"mountPath\":\"/tmp\"}": {".": {}, "f:mountPath": {},
             "f:name": {}, "f:readOnly": {}}},
           "f:ports": {"k:{\"containerPort\":8181,\"protocol\":\"TCP\"}": {".": {},
             "f:containerPort": {}, "f:name": {}, "f:protocol": {}}},
           "f:args": {}}},
         "f:tolerations": {}}}}}}]},
    "spec": {"template": {"spec": {"containers": [{
      "name": "agent", "terminationMessagePath": "/dev/termination-log",
      "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true},
      "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
      "ports": [{"containerPort": 8181, "protocol": "TCP", "name": "metrics"}],
      "args": ["agent", ""]}],
      "tolerations": [{"key": "k", "operator": "Exists"}]}}}})"_json;
}

json& agentContainer(json& obj) {
  return obj["spec"]["template"]["spec"]["containers"][0];
}

json& appliedFieldsOfAgent(json& live) {
  return live["metadata"]["managedFields"][2]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]
             ["f:containers"]["k:{\"name\":\"agent\"}"];
}

TEST(OwnedFieldsMatchTest, ZeroValuesTheServerDroppedButWeStillOwnMatch) {
  EXPECT_TRUE(ownedFieldsMatch(hardenedDesired(), hardenedLive()));
}

// Defect 1 (b): `kubectl edit` / a JSON patch removing the field also takes
// it out of our managedFields: that is drift, not server omitempty.
TEST(OwnedFieldsMatchTest, ARemovedZeroValueWeSetIsAMismatch) {
  json live = hardenedLive();
  agentContainer(live)["securityContext"].erase("allowPrivilegeEscalation");
  appliedFieldsOfAgent(live)["f:securityContext"].erase("f:allowPrivilegeEscalation");
  EXPECT_FALSE(ownedFieldsMatch(hardenedDesired(), live));
}

TEST(OwnedFieldsMatchTest, ADroppedZeroValueInAListElementNeedsOwnershipOfThatElement) {
  json live = hardenedLive();
  // Our set names another mount, not /tmp (an empty node would mean atomic).
  json& mounts = appliedFieldsOfAgent(live)["f:volumeMounts"];
  mounts["k:{\"mountPath\":\"/other\"}"] = mounts["k:{\"mountPath\":\"/tmp\"}"];
  mounts.erase("k:{\"mountPath\":\"/tmp\"}");
  EXPECT_FALSE(ownedFieldsMatch(hardenedDesired(), live));
}

TEST(OwnedFieldsMatchTest, AtomicListsAreOwnedAsAWhole) {
  // tolerations is atomic ("f:tolerations": {}): the dropped `effect: ""` is ours.
  json live = hardenedLive();
  live["metadata"]["managedFields"][2]["fieldsV1"]["f:spec"]["f:template"]["f:spec"].erase(
      "f:tolerations");
  EXPECT_FALSE(ownedFieldsMatch(hardenedDesired(), live));
}

TEST(OwnedFieldsMatchTest, OnlyOurManagersApplyEntryOnTheMainResourceCounts) {
  json live = hardenedLive();
  live["metadata"]["managedFields"][2]["manager"] = "someone-else";
  EXPECT_FALSE(ownedFieldsMatch(hardenedDesired(), live));
  EXPECT_TRUE(ownedFieldsMatch(hardenedDesired(), live, "someone-else"));
  live["metadata"]["managedFields"][2]["manager"] = "clusteragent-operator";
  live["metadata"]["managedFields"][2]["subresource"] = "status";
  EXPECT_FALSE(ownedFieldsMatch(hardenedDesired(), live));
}

TEST(OwnedFieldsMatchTest, SetListsAndIndexedElementsAreFound) {
  json d = json{{"metadata", {{"finalizers", {"a/b"}}}}, {"x", {{{"flag", false}}}}};
  json l = R"({"metadata": {"finalizers": ["a/b"], "managedFields": [
      {"manager": "clusteragent-operator", "operation": "Apply",
       "fieldsV1": {"f:metadata": {"f:finalizers": {"v:\"a/b\"": {}}},
                    "f:x": {"i:0": {"f:flag": {}}}}}]},
      "x": [{}]})"_json;
  EXPECT_TRUE(ownedFieldsMatch(d, l));
  l["metadata"]["managedFields"][0]["fieldsV1"]["f:x"] = {{"i:1", {{"f:flag", json::object()}}}};
  EXPECT_FALSE(ownedFieldsMatch(d, l));
}

TEST(QuantityTest, ParsesSuffixesAndExponents) {
  EXPECT_DOUBLE_EQ(static_cast<double>(*parseQuantity("500m")), 0.5);
  EXPECT_DOUBLE_EQ(static_cast<double>(*parseQuantity("2Ki")), 2048.0);
  EXPECT_DOUBLE_EQ(static_cast<double>(*parseQuantity("1e3")), 1000.0);
  EXPECT_DOUBLE_EQ(static_cast<double>(*parseQuantity("1E")), 1e18);
  EXPECT_DOUBLE_EQ(static_cast<double>(*parseQuantity("1.5G")), 1.5e9);
  EXPECT_FALSE(parseQuantity("").has_value());
  EXPECT_FALSE(parseQuantity("abc").has_value());
  EXPECT_FALSE(parseQuantity("1Xi").has_value());
  EXPECT_TRUE(quantitiesEqual("128Mi", "134217728"));
  EXPECT_FALSE(quantitiesEqual("128Mi", "128M"));
}

}  // namespace
}  // namespace ctrl::apply
