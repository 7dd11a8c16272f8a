#include "reconcilers/clusteragent/agent_pods.h"

#include "reconcilers/clusteragent/caches.h"
#include "reconcilers/clusteragent/ownership.h"

namespace clusteragent {

using nlohmann::json;

namespace {

void copyKey(const json& from, json* to, const char* key) {
  auto it = from.find(key);
  if (it != from.end()) (*to)[key] = *it;
}

json trimContainerStatus(const json& cs) {
  json out = json::object();
  for (const char* k : {"name", "image", "restartCount", "ready", "state"}) copyKey(cs, &out, k);
  const json term = cs.value("/lastState/terminated"_json_pointer, json());
  if (term.is_object()) {
    json t = json::object();
    for (const char* k : {"exitCode", "reason", "message", "finishedAt"}) copyKey(term, &t, k);
    out["lastState"] = {{"terminated", t}};
  }
  return out;
}

}  // namespace

json trimAgentPod(json pod) {
  json out = json::object();
  copyKey(pod, &out, "apiVersion");
  copyKey(pod, &out, "kind");
  json meta = json::object();
  const json& m = pod.value("metadata", json::object());
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "labels", "ownerReferences",
                        "deletionTimestamp"}) {
    copyKey(m, &meta, k);
  }
  out["metadata"] = std::move(meta);
  const json& st = pod.value("status", json::object());
  json status = json::object();
  copyKey(st, &status, "phase");
  if (st.contains("conditions") && st["conditions"].is_array()) {
    json conds = json::array();
    for (const auto& c : st["conditions"]) {
      json t = json::object();
      for (const char* k : {"type", "status", "reason", "message"}) copyKey(c, &t, k);
      conds.push_back(std::move(t));
    }
    status["conditions"] = std::move(conds);
  }
  if (st.contains("containerStatuses") && st["containerStatuses"].is_array()) {
    json css = json::array();
    for (const auto& cs : st["containerStatuses"]) css.push_back(trimContainerStatus(cs));
    status["containerStatuses"] = std::move(css);
  }
  out["status"] = std::move(status);
  return out;
}

std::vector<std::string> agentPodOwnerKeys(const json& pod) {
  std::string k = ownerKeyOf(pod);
  if (k.empty()) return {};
  return {k};
}

std::vector<json> agentPodsOf(const ctrl::cache::Store& pods, const std::string& key) {
  std::vector<json> out;
  for (const auto& p : pods.byIndex(kOwnerIndex, key)) out.push_back(*p);
  return out;
}

}  // namespace clusteragent
