#pragma once
// Tenant isolation, the operator's half (docs/security.md). The operator holds
// wide permissions so it can grant the agent its Role; without limits anyone
// who may create a ClusterAgent could borrow them (a confused deputy): point
// argocdNamespace at kube-system, ask for cluster-wide RBAC or arbitrary
// extraRules, run an image of their choice with that token, or preempt other
// workloads through priorityClassName/tolerations. checkTenantPolicy refuses
// those unless a cluster admin opted in, and the reconciler then reports
// SpecValid=False and applies nothing. It is defence in depth for clusters
// without the ValidatingAdmissionPolicy in manifests/base.
//
// Pure: spec + policy + the target Namespace in, violations out.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

// A Namespace opts in to receiving the agent of ClusterAgents from namespace
// <ns> with the label `clusteragent.argoproj.io/allow-from-<ns>: "true"`.
// One label per source namespace: a list in one label value would be capped
// at 63 characters. A DNS-1123 label is at most 63 characters, as is a label
// name, and "allow-from-" + 63 would exceed it, so source namespaces longer
// than 52 characters cannot be named this way (they are refused, and the
// message says so).
inline constexpr const char* kAllowFromLabelPrefix = "clusteragent.argoproj.io/allow-from-";
inline constexpr size_t kMaxLabelNameLength = 63;

// Label key that lets ClusterAgents of `sourceNamespace` target a Namespace;
// "" when the source namespace is too long to be named in a label key.
std::string allowFromLabel(const std::string& sourceNamespace);

// "*" in a namespace list means every namespace; in the image list, any image.
inline constexpr const char* kAnyValue = "*";

struct TenantPolicy {
  // spec.argocdNamespace other than the ClusterAgent's own needs the target
  // Namespace's allow-from label. False only for tests and embedders that
  // have no Namespace cache; the operator binary always requires it.
  bool requireNamespaceOptIn = true;
  // Namespaces whose ClusterAgents may set spec.rbac.clusterWide
  // (--allow-cluster-wide-namespaces).
  std::vector<std::string> clusterWideNamespaces;
  // ... spec.rbac.extraRules (--allow-extra-rules-namespaces).
  std::vector<std::string> extraRulesNamespaces;
  // ... spec.priorityClassName and spec.tolerations
  // (--allow-pod-scheduling-namespaces).
  std::vector<std::string> podSchedulingNamespaces;
  // spec.image must start with one of these (--allowed-image-prefixes): a
  // prefix ending in '/', ':' or '@' matches as written; any other must be
  // followed by ':', '@' or '/' (so "quay.io/x/agent" does not admit
  // "quay.io/x/agent-evil"). The operator's --agent-image is always allowed.
  std::vector<std::string> imagePrefixes = {defaultImageRepository()};
  // The operator's --namespace set (empty: every namespace). Its caches hold
  // only these namespaces, and an operator scoped to them usually holds RBAC
  // only there: an argocdNamespace outside could never converge (the Secrets
  // there unseen, the Role re-applied on every reconcile), so it is refused.
  std::vector<std::string> watchedNamespaces;
  std::string operatorImage = kDefaultAgentImage;

  // The repository of kDefaultAgentImage ("quay.io/argoprojlabs/argocd-agent").
  static std::string defaultImageRepository();
  // Everything allowed, as before the policy existed (tests of other behaviour).
  static TenantPolicy unrestricted();
};

// One refused field. reason names the rule (a condition reason); message says
// what was refused and how a cluster admin allows it.
struct PolicyViolation {
  std::string field;
  std::string reason;
  std::string message;
};

inline constexpr const char* kReasonArgocdNamespaceNotAllowed = "ArgocdNamespaceNotAllowed";
inline constexpr const char* kReasonClusterWideNotAllowed = "ClusterWideNotAllowed";
inline constexpr const char* kReasonExtraRulesNotAllowed = "ExtraRulesNotAllowed";
inline constexpr const char* kReasonImageNotAllowed = "ImageNotAllowed";
inline constexpr const char* kReasonPodSchedulingNotAllowed = "PodSchedulingNotAllowed";
inline constexpr const char* kReasonArgocdNamespaceNotWatched = "ArgocdNamespaceNotWatched";

// targetNamespace: the Namespace object named by spec.argocdNamespace (only
// metadata.labels is read), or nullptr when it does not exist or is not known.
std::vector<PolicyViolation> checkTenantPolicy(const ClusterAgentSpec& spec,
                                               const TenantPolicy& policy,
                                               const nlohmann::json* targetNamespace);

// Whether image is allowed by prefixes (see TenantPolicy::imagePrefixes).
bool imageMatchesPrefix(const std::string& image, const std::string& prefix);

// The SpecValid reason for a list of violations: the rule's reason when
// there is one kind, TenantPolicyViolation when several.
std::string violationReason(const std::vector<PolicyViolation>& violations);
// "field: message; field: message".
std::string violationSummary(const std::vector<PolicyViolation>& violations);

}  // namespace clusteragent
