#include "reconcilers/clusteragent/agent_pods.h"

#include <gtest/gtest.h>

#include "reconcilers/clusteragent/agent_connection.h"
#include "reconcilers/clusteragent/caches.h"

namespace clusteragent {
namespace {

using nlohmann::json;

json crashingPod() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "a-agent-5d-x", "namespace": "argocd", "uid": "u", "resourceVersion": "7",
                 "labels": {"argoproj.io/clusteragent": "a",
                            "app.kubernetes.io/managed-by": "clusteragent-operator"},
                 "ownerReferences": [{"kind": "ReplicaSet", "name": "a-agent-5d",
                                      "controller": true}],
                 "managedFields": [{"manager": "kubelet"}],
                 "annotations": {"big": "x"}},
    "spec": {"containers": [{"name": "agent", "env": [{"name": "SECRETISH", "value": "v"}]}]},
    "status": {"phase": "Running", "podIP": "10.0.0.1",
               "conditions": [{"type": "Ready", "status": "False", "lastProbeTime": null}],
               "containerStatuses": [{"name": "agent", "image": "img", "restartCount": 4,
                 "imageID": "sha", "containerID": "cri://x",
                 "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
                 "lastState": {"terminated": {"exitCode": 1, "message": "version mismatch",
                                              "containerID": "cri://y"}}}]}
  })");
}

TEST(AgentPodsTest, TransformKeepsWhatConnectedNeedsOnly) {
  json t = trimAgentPod(crashingPod());
  EXPECT_FALSE(t.contains("spec"));
  EXPECT_FALSE(t["metadata"].contains("managedFields"));
  EXPECT_FALSE(t["metadata"].contains("annotations"));
  EXPECT_FALSE(t["status"].contains("podIP"));
  EXPECT_EQ(t["metadata"]["resourceVersion"], "7");
  EXPECT_FALSE(t["status"]["containerStatuses"][0].contains("imageID"));
  // The assessment reads the same from the trimmed pod as from the full one.
  auto full = assessAgentConnection({crashingPod()}, 1);
  auto trimmed = assessAgentConnection({t}, 1);
  EXPECT_EQ(trimmed.reason, "CrashLoopBackOff");
  EXPECT_EQ(trimmed.message, full.message);
  EXPECT_NE(trimmed.message.find("version mismatch"), std::string::npos);
}

TEST(AgentPodsTest, MapsToTheOwningClusterAgentByLabel) {
  EXPECT_EQ(agentPodOwnerKeys(crashingPod()), std::vector<std::string>{"argocd/a"});
  json unlabelled = crashingPod();
  unlabelled["metadata"].erase("labels");
  EXPECT_TRUE(agentPodOwnerKeys(unlabelled).empty());

  ctrl::cache::Store store;
  store.addIndex(kOwnerIndex, agentPodOwnerKeys);
  store.upsert(std::make_shared<const json>(trimAgentPod(crashingPod())));
  EXPECT_EQ(agentPodsOf(store, "argocd/a").size(), 1u);
  EXPECT_TRUE(agentPodsOf(store, "argocd/b").empty());
}

}  // namespace
}  // namespace clusteragent
