#pragma once
// How the operator watches the agent Pods the Deployment's ReplicaSet creates:
// by label (the pod template carries the managed-by and ClusterAgent labels,
// see commonLabels), cached trimmed to what assessAgentConnection reads, and
// mapped back to the owning ClusterAgent through the argoproj.io/clusteragent
// label (a Pod's controller owner is its ReplicaSet, not the ClusterAgent).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/cache/store.h"

namespace clusteragent {

// Only agent pods: not every pod in the cluster.
inline constexpr const char* kAgentPodSelector =
    "app.kubernetes.io/managed-by=clusteragent-operator,app.kubernetes.io/name=argocd-agent";

// The informer transform: metadata (name, namespace, uid, resourceVersion,
// labels, ownerReferences, deletionTimestamp) and the status fields that
// decide Connected (conditions; per container: name, image, restartCount,
// state, lastState.terminated). The pod spec (env, volumes, ...) is dropped.
nlohmann::json trimAgentPod(nlohmann::json pod);

// "ns/name" of the ClusterAgent a Pod belongs to, from its labels; empty
// when it carries none. Used both as the event mapping and as kOwnerIndex.
std::vector<std::string> agentPodOwnerKeys(const nlohmann::json& pod);

// The cached agent pods of ClusterAgent ns/name.
std::vector<nlohmann::json> agentPodsOf(const ctrl::cache::Store& pods, const std::string& key);

}  // namespace clusteragent
