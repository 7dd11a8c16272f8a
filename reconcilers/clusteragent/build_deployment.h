#pragma once
#include <string>

#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

inline constexpr int kMetricsPort = 8181;
inline constexpr int kHealthPort = 8001;
inline constexpr const char* kCredsMountPath = "/app/config/creds";
inline constexpr const char* kCaMountPath = "/app/config/tls/ca";
inline constexpr const char* kClientCertMountPath = "/app/config/tls/client";

struct DeploymentInputs {
  // sha256 (hex) over every credential and CA the pod mounts, computed by the
  // caller (credentialsHash() in credentials_hash.h); written as the
  // pod-template annotation argoproj.io/credentials-hash so a rotation rolls
  // the agent. Empty: not known (an offline `render` has no Secret contents),
  // and the annotation is left out rather than given a made-up value.
  std::string credentialsHash;
};

// Deployment `<name>-agent` running `argocd-agent agent` (args only: the
// image's entrypoint runs, whatever build of the image it is). Pure: no secret
// value ever enters it (credentials are mounted, REDIS_PASSWORD is a
// secretKeyRef).
DesiredObject buildDeployment(const ClusterAgentSpec& spec, const DeploymentInputs& inputs);

}  // namespace clusteragent
