#include "controller/queue/enqueue_handlers.h"

#include <set>

namespace ctrl::queue {

using nlohmann::json;

namespace {

std::string groupOf(const std::string& apiVersion) {
  auto slash = apiVersion.find('/');
  return slash == std::string::npos ? "" : apiVersion.substr(0, slash);
}

cache::EventHandlers fromMap(Controller& c, MapFunc map) {
  cache::EventHandlers h;
  h.onAdd = [&c, map](const json& obj) {
    for (const auto& key : map(obj)) c.enqueue(key);
  };
  h.onUpdate = [&c, map](const json& oldObj, const json& newObj) {
    std::set<std::string> keys;
    for (auto& key : map(oldObj)) keys.insert(std::move(key));
    for (auto& key : map(newObj)) keys.insert(std::move(key));
    for (const auto& key : keys) c.enqueue(key);
  };
  h.onDelete = h.onAdd;
  return h;
}

}  // namespace

std::string controllerOwnerKey(const json& obj, const std::string& ownerKind,
                               const std::string& ownerGroup) {
  const json md = obj.value("metadata", json::object());
  const json refs = md.value("ownerReferences", json::array());
  if (!refs.is_array()) return "";
  for (const auto& ref : refs) {
    if (!ref.is_object() || !ref.value("controller", false)) continue;
    if (ref.value("kind", "") != ownerKind) continue;
    if (!ownerGroup.empty() && groupOf(ref.value("apiVersion", "")) != ownerGroup) continue;
    const std::string name = ref.value("name", "");
    if (name.empty()) return "";
    return cache::objectKey(md.value("namespace", ""), name);
  }
  return "";
}

cache::EventHandlers enqueueSelf(Controller& c) {
  return fromMap(c, [](const json& obj) {
    std::string key = cache::objectKey(obj);
    return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
  });
}

cache::EventHandlers enqueueOwner(Controller& c, const std::string& ownerKind,
                                  const std::string& ownerGroup) {
  return fromMap(c, [ownerKind, ownerGroup](const json& obj) {
    std::string key = controllerOwnerKey(obj, ownerKind, ownerGroup);
    return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
  });
}

cache::EventHandlers enqueueMapped(Controller& c, MapFunc map) {
  return fromMap(c, std::move(map));
}

cache::EventHandlers enqueueMappedCoalescingStatus(Controller& c, MapFunc map,
                                                   std::chrono::milliseconds delay) {
  cache::EventHandlers h = fromMap(c, map);
  if (delay.count() <= 0) return h;
  h.onAdd = [&c, map, delay](const json& obj) {
    for (const auto& key : map(obj)) c.enqueueAfter(key, delay);
  };
  h.onUpdate = [&c, map, delay](const json& oldObj, const json& newObj) {
    static const json::json_pointer kGeneration("/metadata/generation");
    const json none;
    const json& was = oldObj.contains(kGeneration) ? oldObj.at(kGeneration) : none;
    const json& is = newObj.contains(kGeneration) ? newObj.at(kGeneration) : none;
    std::set<std::string> keys;
    for (auto& key : map(oldObj)) keys.insert(std::move(key));
    for (auto& key : map(newObj)) keys.insert(std::move(key));
    for (const auto& key : keys) {
      if (was == is) {
        c.enqueueAfter(key, delay);
      } else {
        c.enqueue(key);
      }
    }
  };
  return h;
}

cache::EventHandlers enqueueMappedAfter(Controller& c, MapFunc map,
                                        std::chrono::milliseconds delay) {
  cache::EventHandlers h;
  h.onAdd = [&c, map, delay](const json& obj) {
    for (const auto& key : map(obj)) c.enqueueAfter(key, delay);
  };
  h.onUpdate = [&c, map, delay](const json& oldObj, const json& newObj) {
    std::set<std::string> keys;
    for (auto& key : map(oldObj)) keys.insert(std::move(key));
    for (auto& key : map(newObj)) keys.insert(std::move(key));
    for (const auto& key : keys) c.enqueueAfter(key, delay);
  };
  // A pod going away is news at once (the agent it ran is gone).
  h.onDelete = [&c, map](const json& obj) {
    for (const auto& key : map(obj)) c.enqueue(key);
  };
  return h;
}

MapFunc mapByIndex(const cache::Store& store, std::string index,
                   std::function<std::string(const json&)> value) {
  if (!value) value = [](const json& obj) { return cache::objectKey(obj); };
  return [&store, index = std::move(index), value = std::move(value)](const json& obj) {
    return store.keysByIndex(index, value(obj));
  };
}

}  // namespace ctrl::queue
