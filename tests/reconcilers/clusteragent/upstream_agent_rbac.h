#pragma once
// The RBAC upstream argocd-agent v0.9.0 installs for its agent, transcribed
// from its install manifests at that tag. Shared by the unit test that
// compares the rendered rules with it and by the integration test that checks,
// as the agent's own ServiceAccount, that the API server grants all of it.

#include <nlohmann/json.hpp>

namespace clusteragent {

inline const nlohmann::json kAllVerbs = {"create", "delete", "get",  "list",
                                         "patch",  "update", "watch"};

// install/kubernetes/agent/agent-role.yaml at v0.9.0 (whole file).
inline const nlohmann::json kUpstreamRole = nlohmann::json::array({
    {{"apiGroups", {"argoproj.io"}},
     {"resources", {"applications", "applicationsets", "appprojects"}},
     {"verbs", kAllVerbs}},
    {{"apiGroups", {""}}, {"resources", {"configmaps", "secrets"}}, {"verbs", kAllVerbs}},
    {{"apiGroups", {""}}, {"resources", {"events"}}, {"verbs", {"create", "list"}}},
});

// install/kubernetes/agent/agent-clusterrole.yaml at v0.9.0 (whole file).
inline const nlohmann::json kUpstreamClusterRole = nlohmann::json::array({
    {{"apiGroups", {""}},
     {"resources", {"namespaces"}},
     {"verbs", {"create", "get", "list", "watch"}}},
    {{"apiGroups", {"argoproj.io"}}, {"resources", {"applications"}}, {"verbs", kAllVerbs}},
});

}  // namespace clusteragent
