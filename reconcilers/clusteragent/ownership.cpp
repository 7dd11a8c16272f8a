#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

const ctrl::kube::Resource kClusterAgents{"argoproj.io", "v1alpha1", "clusteragents", "ClusterAgent",
                                          true};

json controllerOwnerRef(const json& ca) {
  const json& m = ca.at("metadata");
  return json{{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "ClusterAgent"},
              {"name", m.value("name", "")},
              {"uid", m.value("uid", "")},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

void stampOwnership(json* desired, const json& ca, bool clusterScoped) {
  const json& m = ca.at("metadata");
  const std::string ns = m.value("namespace", "");
  json& meta = (*desired)["metadata"];
  json& labels = meta["labels"];
  if (!labels.is_object()) labels = json::object();
  labels[kManagedByLabel] = kManagedByValue;
  labels[kOwnerNameLabel] = m.value("name", "");
  bool sameNamespace = !clusterScoped && meta.value("namespace", "") == ns;
  if (sameNamespace) {
    meta["ownerReferences"] = json::array({controllerOwnerRef(ca)});
  } else {
    labels[kOwnerNamespaceLabel] = ns;
  }
}

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
  std::string name = labels.value(kOwnerNameLabel, "");
  if (name.empty()) return "";
  std::string ownerNs = labels.value(kOwnerNamespaceLabel, ns);
  if (ownerNs.empty()) return "";
  return ownerNs + "/" + name;
}

bool ownedBy(const json& obj, const std::string& ns, const std::string& name) {
  const json& labels = obj.value("/metadata/labels"_json_pointer, json::object());
  if (labels.value(kManagedByLabel, "") != kManagedByValue) return false;
  if (labels.value(kOwnerNameLabel, "") != name) return false;
  std::string ownerNs =
      labels.value(kOwnerNamespaceLabel, obj.value("/metadata/namespace"_json_pointer, std::string()));
  return ownerNs == ns;
}

}  // namespace clusteragent
