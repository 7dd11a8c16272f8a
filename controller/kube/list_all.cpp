#include "controller/kube/kube_client.h"

namespace ctrl::kube {

namespace {
constexpr int64_t kDefaultPageSize = 500;
}

StatusOr<json> listAll(KubeClient& client, const Resource& r, const std::string& ns,
                       ListOptions opts) {
  if (opts.limit <= 0) opts.limit = kDefaultPageSize;
  opts.continueToken.clear();
  json result;
  json items = json::array();
  while (true) {
    auto page = client.list(r, ns, opts);
    if (!page.isOk()) return page.status();  // an expired continue token is kGone: relist
    json& p = page.value();
    if (result.is_null()) {
      // The first page's metadata (resourceVersion) describes the whole snapshot.
      result = p;
      result.erase("items");
    }
    if (auto it = p.find("items"); it != p.end() && it->is_array()) {
      for (auto& item : *it) items.push_back(std::move(item));
    }
    std::string cont;
    if (auto md = p.find("metadata"); md != p.end() && md->is_object()) {
      cont = md->value("continue", "");
    }
    if (cont.empty()) break;
    opts.continueToken = cont;
    // resourceVersion and continue are exclusive; the continue token pins the snapshot.
    opts.resourceVersion.clear();
    opts.resourceVersionMatch.clear();
  }
  result["items"] = std::move(items);
  if (result.contains("metadata") && result["metadata"].is_object()) {
    result["metadata"].erase("continue");
    result["metadata"].erase("remainingItemCount");
  }
  return result;
}

}  // namespace ctrl::kube
