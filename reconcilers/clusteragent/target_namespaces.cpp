#include "reconcilers/clusteragent/target_namespaces.h"

namespace clusteragent {

using nlohmann::json;

std::vector<std::string> targetNamespaceKeys(const json& clusterAgent) {
  const json* target = nullptr;
  if (auto s = clusterAgent.find("spec"); s != clusterAgent.end() && s->is_object()) {
    if (auto t = s->find("argocdNamespace"); t != s->end() && t->is_string()) target = &*t;
  }
  if (!target || target->get<std::string>().empty()) return {};
  std::string own = clusterAgent.value("/metadata/namespace"_json_pointer, std::string());
  if (*target == own) return {};
  return {target->get<std::string>()};
}

json trimNamespace(json ns) {
  json meta = json::object();
  const json& m = ns.value("metadata", json::object());
  for (const char* k : {"name", "uid", "resourceVersion", "labels"}) {
    if (m.contains(k)) meta[k] = m[k];
  }
  json out = {{"metadata", std::move(meta)}};
  for (const char* k : {"apiVersion", "kind"}) {
    if (ns.contains(k)) out[k] = ns[k];
  }
  return out;
}

}  // namespace clusteragent
