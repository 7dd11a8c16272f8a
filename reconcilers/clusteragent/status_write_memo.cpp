#include "reconcilers/clusteragent/status_write_memo.h"

#include <cstdint>

namespace clusteragent {

using nlohmann::json;

namespace {
bool parseRevision(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}
}  // namespace

bool resourceVersionOlder(const std::string& a, const std::string& b) {
  uint64_t ra = 0;
  uint64_t rb = 0;
  return parseRevision(a, &ra) && parseRevision(b, &rb) && ra < rb;
}

json StatusWriteMemo::basis(const std::string& key, const json& cached,
                            std::string* resourceVersion) {
  json cachedStatus = cached.value("status", json::object());
  const std::string cachedRv =
      cached.contains("metadata") ? cached["metadata"].value("resourceVersion", "") : "";
  if (resourceVersion) *resourceVersion = cachedRv;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writes_.find(key);
  if (it == writes_.end()) return cachedStatus;
  if (resourceVersionOlder(cachedRv, it->second.resourceVersion)) {
    if (resourceVersion) *resourceVersion = it->second.resourceVersion;
    return it->second.status;
  }
  writes_.erase(it);  // the cache has seen our write (or a later one): trust it again
  return cachedStatus;
}

void StatusWriteMemo::record(const std::string& key, const std::string& resourceVersion,
                             json written) {
  std::lock_guard<std::mutex> lock(mu_);
  writes_[key] = Write{resourceVersion, std::move(written)};
}

void StatusWriteMemo::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  writes_.erase(key);
}

size_t StatusWriteMemo::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_.size();
}

}  // namespace clusteragent
