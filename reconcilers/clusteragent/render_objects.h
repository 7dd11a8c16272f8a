#pragma once
// The children the reconciler applies for one valid ClusterAgent, built by
// the same pure builders the ensure steps call, for `clusteragent-operator
// render` (a preview without a cluster).
//
// Whatever the reconciler derives from cluster state is left out, never
// guessed, and each object says what was left out and why:
// - the creds Secret's data and digest annotations (the token: never shown);
// - the Deployment's argoproj.io/credentials-hash (a digest of the live
//   Secrets' contents);
// - owner references, when the input carries no metadata.uid (the API server
//   assigns it at creation).
// Not a builder's output, so never rendered and not noted per object: the
// write path's own bookkeeping annotation, argoproj.io/applied-hash
// (controller/apply/applied_hash.h).
// Left-out fields keep the output applicable as it is (`kubectl diff -f -`):
// an absent field is not compared, a placeholder would show as a change.

#include <string>
#include <vector>

#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

struct RenderedObject {
  DesiredObject desired;           // what the reconciler applies, less what `notes` name
  std::vector<std::string> notes;  // "<field>: left out: <why>" and other caveats; no values
};

// In the order the reconciler applies them: ServiceAccount, Role,
// RoleBinding, ClusterRole, ClusterRoleBinding, the creds Secret (userpass
// only), Deployment, metrics Service. `spec` must come from a successful
// parseClusterAgent.
std::vector<RenderedObject> renderObjects(const ClusterAgentSpec& spec);

}  // namespace clusteragent
