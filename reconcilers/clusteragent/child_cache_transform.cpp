#include "reconcilers/clusteragent/child_cache_transform.h"

#include "controller/apply/apply.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using nlohmann::json;

json trimChildForCache(json obj) {
  if (!obj.is_object()) return obj;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return obj;
  const json& labels = md->value("labels", json::object());
  const bool ours = labels.is_object() && labels.value(kManagedByLabel, "") == kManagedByValue;
  if (!ours) {
    json meta = json::object();
    for (const char* k : {"name", "namespace", "uid", "resourceVersion", "labels",
                          "ownerReferences", "deletionTimestamp"}) {
      auto it = md->find(k);
      if (it != md->end()) meta[k] = std::move(*it);
    }
    json out = json::object();
    for (const char* k : {"apiVersion", "kind"}) {
      auto it = obj.find(k);
      if (it != obj.end()) out[k] = std::move(*it);
    }
    out["metadata"] = std::move(meta);
    return out;
  }
  // What OwnedFields::of and heldThroughUpdate read: our manager's entries.
  auto mf = md->find("managedFields");
  if (mf != md->end()) *mf = ctrl::apply::entriesOf(std::move(*mf), ctrl::apply::kFieldManager);
  return obj;
}

}  // namespace clusteragent
