#include "reconcilers/clusteragent/tenant_policy.h"

#include <algorithm>

namespace clusteragent {
namespace {

bool listed(const std::vector<std::string>& namespaces, const std::string& ns) {
  return std::any_of(namespaces.begin(), namespaces.end(),
                     [&](const std::string& n) { return n == kAnyValue || n == ns; });
}

bool imageAllowed(const ClusterAgentSpec& spec, const TenantPolicy& policy) {
  if (!policy.operatorImage.empty() && spec.image == policy.operatorImage) return true;
  return std::any_of(
      policy.imagePrefixes.begin(), policy.imagePrefixes.end(),
      [&](const std::string& p) { return p == kAnyValue || imageMatchesPrefix(spec.image, p); });
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out.empty() ? "none" : out;
}

void checkArgocdNamespace(const ClusterAgentSpec& spec, const TenantPolicy& policy,
                          const nlohmann::json* target, std::vector<PolicyViolation>* out) {
  const std::string& source = spec.meta.ns;
  const std::string& dest = spec.argocdNamespace;
  if (!policy.requireNamespaceOptIn || dest == source) return;
  std::string label = allowFromLabel(source);
  if (label.empty()) {
    out->push_back({"spec.argocdNamespace", kReasonArgocdNamespaceNotAllowed,
                    "namespace \"" + source + "\" is too long to be named in an opt-in label (" +
                        kAllowFromLabelPrefix +
                        "<namespace> must fit in 63 characters): its ClusterAgents may only "
                        "use their own namespace"});
    return;
  }
  if (target) {
    const auto& labels = target->value("/metadata/labels"_json_pointer, nlohmann::json::object());
    auto it = labels.find(label);
    if (it != labels.end() && it->is_string() && it->get<std::string>() == "true") return;
  }
  out->push_back({"spec.argocdNamespace", kReasonArgocdNamespaceNotAllowed,
                  "namespace \"" + dest + "\" " +
                      (target ? "has not opted in" : "does not exist or is not readable") +
                      " to receive agents of ClusterAgents from namespace \"" + source +
                      "\": a cluster admin allows it with `kubectl label namespace " + dest + " " +
                      label + "=true`"});
}

}  // namespace

std::string allowFromLabel(const std::string& sourceNamespace) {
  std::string prefix = kAllowFromLabelPrefix;
  // The part after '/' is the label name proper, limited to 63 characters.
  size_t nameLength = prefix.size() - prefix.find('/') - 1 + sourceNamespace.size();
  if (sourceNamespace.empty() || nameLength > kMaxLabelNameLength) return "";
  return prefix + sourceNamespace;
}

std::string TenantPolicy::defaultImageRepository() {
  std::string image = kDefaultAgentImage;
  // Strip a digest, then a tag (a ':' after the last '/', so a registry port stays).
  if (auto at = image.find('@'); at != std::string::npos) image.resize(at);
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    image.resize(colon);
  }
  return image;
}

TenantPolicy TenantPolicy::unrestricted() {
  TenantPolicy p;
  p.requireNamespaceOptIn = false;
  p.clusterWideNamespaces = {kAnyValue};
  p.extraRulesNamespaces = {kAnyValue};
  p.podSchedulingNamespaces = {kAnyValue};
  p.imagePrefixes = {kAnyValue};
  return p;
}

bool imageMatchesPrefix(const std::string& image, const std::string& prefix) {
  if (prefix.empty() || image.compare(0, prefix.size(), prefix) != 0) return false;
  char last = prefix.back();
  if (last == '/' || last == ':' || last == '@') return image.size() > prefix.size();
  if (image.size() == prefix.size()) return true;
  char next = image[prefix.size()];
  return next == ':' || next == '@' || next == '/';
}

std::vector<PolicyViolation> checkTenantPolicy(const ClusterAgentSpec& spec,
                                               const TenantPolicy& policy,
                                               const nlohmann::json* targetNamespace) {
  std::vector<PolicyViolation> out;
  const std::string& ns = spec.meta.ns;
  checkArgocdNamespace(spec, policy, targetNamespace, &out);
  if (!policy.watchedNamespaces.empty() &&
      std::find(policy.watchedNamespaces.begin(), policy.watchedNamespaces.end(),
                spec.argocdNamespace) == policy.watchedNamespaces.end()) {
    out.push_back({"spec.argocdNamespace", kReasonArgocdNamespaceNotWatched,
                   "namespace \"" + spec.argocdNamespace +
                       "\" is outside the namespaces this operator watches (" +
                       joined(policy.watchedNamespaces) +
                       "): it could not see the agent's Secrets there nor keep its Role in "
                       "place; a cluster admin adds it to the operator's --namespace flag"});
  }
  if (spec.rbac.clusterWide && !listed(policy.clusterWideNamespaces, ns)) {
    out.push_back({"spec.rbac.clusterWide", kReasonClusterWideNotAllowed,
                   "cluster-wide RBAC is not allowed for ClusterAgents in namespace \"" + ns +
                       "\": a cluster admin allows it by adding the namespace to the operator's "
                       "--allow-cluster-wide-namespaces flag"});
  }
  if (!spec.rbac.extraRules.empty() && !listed(policy.extraRulesNamespaces, ns)) {
    out.push_back({"spec.rbac.extraRules", kReasonExtraRulesNotAllowed,
                   "extra RBAC rules are not allowed for ClusterAgents in namespace \"" + ns +
                       "\": a cluster admin allows them by adding the namespace to the "
                       "operator's --allow-extra-rules-namespaces flag"});
  }
  if (!imageAllowed(spec, policy)) {
    // The image is the user's own text: bounded, so it cannot flood the message.
    std::string image = spec.image.size() > 200 ? spec.image.substr(0, 200) + "..." : spec.image;
    out.push_back({"spec.image", kReasonImageNotAllowed,
                   "image \"" + image + "\" is not under an allowed prefix (" +
                       joined(policy.imagePrefixes) +
                       "): a cluster admin allows it with the operator's "
                       "--allowed-image-prefixes flag"});
  }
  if (!listed(policy.podSchedulingNamespaces, ns)) {
    for (const auto& [field, set] :
         {std::pair<const char*, bool>{"spec.priorityClassName", !spec.priorityClassName.empty()},
          {"spec.tolerations", !spec.tolerations.empty()}}) {
      if (!set) continue;
      out.push_back({field, kReasonPodSchedulingNotAllowed,
                     std::string(field + 5) + " is not allowed for ClusterAgents in namespace \"" +
                         ns +
                         "\": a cluster admin allows it by adding the namespace to the "
                         "operator's --allow-pod-scheduling-namespaces flag"});
    }
  }
  return out;
}

std::string violationReason(const std::vector<PolicyViolation>& violations) {
  if (violations.empty()) return "";
  for (const auto& v : violations) {
    if (v.reason != violations.front().reason) return "TenantPolicyViolation";
  }
  return violations.front().reason;
}

std::string violationSummary(const std::vector<PolicyViolation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    if (!out.empty()) out += "; ";
    out += v.field + ": " + v.message;
  }
  return out;
}

}  // namespace clusteragent
