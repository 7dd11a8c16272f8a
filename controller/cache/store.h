#pragma once
// Thread-safe keyed store with named indexes (client-go tools/cache Indexer).
// Keys are "namespace/name" or "name" for cluster-scoped objects.
//
// Objects are held packed (CBOR), not as json trees: a parsed nlohmann::json
// takes 7-8x the heap of its text (every member is a std::map node and a
// std::string), and the caches were the operator's memory (issue 12: about
// 150 KiB per ClusterAgent at N=1000). Each read decodes a fresh, private
// copy (a Deployment in about 30 us), handed out as shared_ptr<const json>, so
// readers never race and may keep what they got.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ctrl::cache {

using nlohmann::json;
using ObjectPtr = std::shared_ptr<const json>;

// Values an object is indexed under, e.g. the Secret names a ClusterAgent references.
using IndexFunc = std::function<std::vector<std::string>(const json&)>;

std::string objectKey(const json& obj);  // "ns/name" or "name"
std::string objectKey(const std::string& ns, const std::string& name);

// Built-in index names.
inline constexpr const char* kNamespaceIndex = "namespace";
inline constexpr const char* kOwnerUidIndex = "owner-uid";

// What a replace changed: the reflector turns it into handler calls.
struct ReplaceDiff {
  std::vector<ObjectPtr> added;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;  // {old, new}; resourceVersion changed
  std::vector<ObjectPtr> removed;
};

class Store {
 public:
  Store();  // registers kNamespaceIndex and kOwnerUidIndex
  void addIndex(const std::string& name, IndexFunc fn);  // before the first add

  // Returns the previous object, if any.
  ObjectPtr upsert(ObjectPtr obj);
  ObjectPtr remove(const std::string& key);
  // Replaces the whole content (after a relist); returns what was removed.
  std::vector<ObjectPtr> replace(std::vector<ObjectPtr> objs);
  // Replaces only the objects of namespace `ns` (all objects when nullopt), so
  // one reflector per namespace can relist without touching the others.
  ReplaceDiff replaceScoped(std::vector<ObjectPtr> objs, const std::optional<std::string>& ns);

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> byIndex(const std::string& index, const std::string& value) const;
  // The keys byIndex would return the objects of, without decoding them.
  std::vector<std::string> keysByIndex(const std::string& index, const std::string& value) const;
  std::vector<std::string> keys() const;
  // Values of one index that currently have objects (e.g. every referenced Secret name).
  std::vector<std::string> indexValues(const std::string& index) const;
  size_t size() const;

 private:
  using Packed = std::shared_ptr<const std::vector<std::uint8_t>>;
  struct Entry {
    Packed packed;
    // Read without decoding: relists compare them for every object.
    std::string ns;
    std::string resourceVersion;
  };
  static Entry pack(const json& obj);
  static ObjectPtr unpack(const Packed& packed);
  static std::vector<ObjectPtr> unpackAll(const std::vector<Packed>& packed);

  std::vector<std::string> keysByIndexLocked(const std::string& index,
                                             const std::string& value) const;
  void indexLocked(const std::string& key, const json& obj);
  void unindexLocked(const std::string& key, const json& obj);

  mutable std::mutex mu_;
  std::map<std::string, Entry> items_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::map<std::string, std::map<std::string, std::set<std::string>>> indexes_;
};

}  // namespace ctrl::cache
