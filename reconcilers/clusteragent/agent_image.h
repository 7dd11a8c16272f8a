#pragma once
// The argocd-agent image the operator deploys when neither spec.image nor
// --agent-image says otherwise. Its tag must be the release pinned in
// tests/argocd-agent/go.mod: the e2e tests run the agent and principal built
// from that pin, so a drift would test one version and ship another
// (tests/reconcilers/clusteragent/agent_image_pin_test.cpp fails on it).
// The principal also rejects an agent of a different version.

namespace clusteragent {

inline constexpr const char* kDefaultAgentImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";

}  // namespace clusteragent
