#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

const ctrl::kube::Resource kClusterAgents{kGroup, kVersion, kPlural, kKind, true};

std::string ownerKeyOf(const json& obj) {
  const json& meta = obj.value("metadata", json::object());
  const std::string ns = meta.value("namespace", "");
  for (const auto& ref : meta.value("ownerReferences", json::array())) {
    if (ref.value("controller", false) && ref.value("kind", "") == "ClusterAgent" &&
        ref.value("apiVersion", "").rfind("argoproj.io/", 0) == 0 && !ns.empty()) {
      return ns + "/" + ref.value("name", "");
    }
  }
  const json& labels = meta.value("labels", json::object());
  std::string name = labels.value(kClusterAgentLabel, "");
  if (name.empty()) return "";
  std::string ownerNs = labels.value(kClusterAgentNamespaceLabel, ns);
  if (ownerNs.empty()) return "";
  return ownerNs + "/" + name;
}

bool ownedBy(const json& obj, const std::string& ns, const std::string& name) {
  const json& labels = obj.value("/metadata/labels"_json_pointer, json::object());
  if (labels.value(kManagedByLabel, "") != kManagedByValue) return false;
  if (labels.value(kClusterAgentLabel, "") != name) return false;
  std::string ownerNs = labels.value(kClusterAgentNamespaceLabel,
                                     obj.value("/metadata/namespace"_json_pointer, std::string()));
  return ownerNs == ns;
}

}  // namespace clusteragent
