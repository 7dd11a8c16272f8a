#include "controller/cache/store.h"

namespace ctrl::cache {

namespace {

std::string resourceVersionOf(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto rv = md->find("resourceVersion");
  return rv != md->end() && rv->is_string() ? rv->get<std::string>() : "";
}

std::string namespaceOf(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto ns = md->find("namespace");
  return ns != md->end() && ns->is_string() ? ns->get<std::string>() : "";
}

std::vector<std::string> namespaceIndex(const json& obj) {
  return {namespaceOf(obj)};
}

std::vector<std::string> ownerUidIndex(const json& obj) {
  std::vector<std::string> uids;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return uids;
  auto refs = md->find("ownerReferences");
  if (refs == md->end() || !refs->is_array()) return uids;
  for (const auto& ref : *refs) {
    auto uid = ref.find("uid");
    if (uid != ref.end() && uid->is_string()) uids.push_back(uid->get<std::string>());
  }
  return uids;
}

}  // namespace

std::string objectKey(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

std::string objectKey(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto name = md->find("name");
  return objectKey(namespaceOf(obj),
                   name != md->end() && name->is_string() ? name->get<std::string>() : "");
}

Store::Store() {
  index_funcs_[kNamespaceIndex] = namespaceIndex;
  index_funcs_[kOwnerUidIndex] = ownerUidIndex;
}

Store::Entry Store::pack(const json& obj) {
  std::vector<std::uint8_t> bytes = json::to_cbor(obj);
  bytes.shrink_to_fit();  // to_cbor grows by doubling: up to half of it spare
  return Entry{std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)),
               namespaceOf(obj), resourceVersionOf(obj)};
}

ObjectPtr Store::unpack(const Packed& packed) {
  return std::make_shared<const json>(json::from_cbor(*packed));
}

std::vector<ObjectPtr> Store::unpackAll(const std::vector<Packed>& packed) {
  std::vector<ObjectPtr> out;
  out.reserve(packed.size());
  for (const auto& p : packed) out.push_back(unpack(p));
  return out;
}

void Store::addIndex(const std::string& name, IndexFunc fn) {
  std::lock_guard<std::mutex> lock(mu_);
  index_funcs_[name] = std::move(fn);
  // Tolerate a late registration: index what is already there.
  auto& index = indexes_[name];
  index.clear();
  for (const auto& [key, entry] : items_) {
    for (const auto& v : index_funcs_[name](*unpack(entry.packed))) index[v].insert(key);
  }
}

void Store::indexLocked(const std::string& key, const json& obj) {
  for (const auto& [name, fn] : index_funcs_) {
    auto& index = indexes_[name];
    for (const auto& v : fn(obj)) index[v].insert(key);
  }
}

void Store::unindexLocked(const std::string& key, const json& obj) {
  for (const auto& [name, fn] : index_funcs_) {
    auto& index = indexes_[name];
    for (const auto& v : fn(obj)) {
      auto it = index.find(v);
      if (it == index.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) index.erase(it);
    }
  }
}

ObjectPtr Store::upsert(ObjectPtr obj) {
  std::string key = objectKey(*obj);
  Entry entry = pack(*obj);
  std::lock_guard<std::mutex> lock(mu_);
  ObjectPtr prev;
  auto it = items_.find(key);
  if (it != items_.end()) {
    prev = unpack(it->second.packed);
    unindexLocked(key, *prev);
  }
  indexLocked(key, *obj);
  items_[key] = std::move(entry);
  return prev;
}

ObjectPtr Store::remove(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr prev = unpack(it->second.packed);
  unindexLocked(key, *prev);
  items_.erase(it);
  return prev;
}

std::vector<ObjectPtr> Store::replace(std::vector<ObjectPtr> objs) {
  return replaceScoped(std::move(objs), std::nullopt).removed;
}

ReplaceDiff Store::replaceScoped(std::vector<ObjectPtr> objs,
                                 const std::optional<std::string>& ns) {
  ReplaceDiff diff;
  std::map<std::string, std::pair<ObjectPtr, Entry>> incoming;
  for (auto& obj : objs) {
    std::string key = objectKey(*obj);
    Entry entry = pack(*obj);
    incoming[key] = {std::move(obj), std::move(entry)};
  }

  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = items_.begin(); it != items_.end();) {
    if ((ns && it->second.ns != *ns) || incoming.count(it->first)) {
      ++it;
      continue;
    }
    ObjectPtr prev = unpack(it->second.packed);
    unindexLocked(it->first, *prev);
    diff.removed.push_back(std::move(prev));
    it = items_.erase(it);
  }
  for (auto& [key, in] : incoming) {
    auto& [obj, entry] = in;
    auto it = items_.find(key);
    if (it == items_.end()) {
      indexLocked(key, *obj);
      diff.added.push_back(obj);
      items_.emplace(key, std::move(entry));
      continue;
    }
    // Unchanged objects are not news (a relist must not flood handlers), and
    // index the same: nothing to decode.
    if (it->second.resourceVersion == entry.resourceVersion && !entry.resourceVersion.empty()) {
      it->second = std::move(entry);
      continue;
    }
    ObjectPtr prev = unpack(it->second.packed);
    unindexLocked(key, *prev);
    indexLocked(key, *obj);
    it->second = std::move(entry);
    diff.updated.emplace_back(std::move(prev), std::move(obj));
  }
  return diff;
}

ObjectPtr Store::get(const std::string& key) const {
  Packed packed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = items_.find(key);
    if (it == items_.end()) return nullptr;
    packed = it->second.packed;
  }
  return unpack(packed);
}

std::vector<ObjectPtr> Store::list() const {
  std::vector<Packed> packed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    packed.reserve(items_.size());
    for (const auto& [key, entry] : items_) packed.push_back(entry.packed);
  }
  return unpackAll(packed);
}

std::vector<ObjectPtr> Store::byIndex(const std::string& index, const std::string& value) const {
  std::vector<Packed> packed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& key : keysByIndexLocked(index, value)) {
      auto it = items_.find(key);
      if (it != items_.end()) packed.push_back(it->second.packed);
    }
  }
  return unpackAll(packed);
}

std::vector<std::string> Store::keysByIndex(const std::string& index,
                                            const std::string& value) const {
  std::lock_guard<std::mutex> lock(mu_);
  return keysByIndexLocked(index, value);
}

std::vector<std::string> Store::keysByIndexLocked(const std::string& index,
                                                  const std::string& value) const {
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return {};
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return {};
  return {keys->second.begin(), keys->second.end()};
}

std::vector<std::string> Store::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, entry] : items_) out.push_back(key);
  return out;
}

std::vector<std::string> Store::indexValues(const std::string& index) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  for (const auto& [value, keys] : idx->second) out.push_back(value);
  return out;
}

size_t Store::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return items_.size();
}

}  // namespace ctrl::cache
