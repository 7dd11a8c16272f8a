#include "controller/apply/ownership_upgrade.h"

#include <vector>

#include "controller/apply/managed_fields.h"

namespace ctrl::apply {

std::optional<json> ownershipUpgradePatch(const json& managedFields, const std::string& manager) {
  if (!managedFields.is_array()) return std::nullopt;
  std::vector<size_t> updates;
  std::optional<size_t> applied;
  for (size_t i = 0; i < managedFields.size(); ++i) {
    if (isEntryOf(managedFields[i], manager, "Update")) updates.push_back(i);
    if (!applied && isEntryOf(managedFields[i], manager, "Apply")) applied = i;
  }
  if (updates.empty()) return std::nullopt;
  const size_t target = applied ? *applied : updates.front();
  auto path = [](size_t i) { return "/metadata/managedFields/" + std::to_string(i); };

  json ops = json::array();
  json fields = managedFields[target].value("fieldsV1", json::object());
  std::vector<size_t> folded;  // entries whose fields move into target's
  for (size_t i : updates) {
    if (i != target) folded.push_back(i);
  }
  ops.push_back({{"op", "test"}, {"path", path(target)}, {"value", managedFields[target]}});
  for (size_t i : folded) {
    ops.push_back({{"op", "test"}, {"path", path(i)}, {"value", managedFields[i]}});
    // FieldsV1 is a trie of objects with no nulls: a merge patch is the union.
    fields.merge_patch(managedFields[i].value("fieldsV1", json::object()));
  }
  ops.push_back({{"op", "replace"}, {"path", path(target) + "/operation"}, {"value", "Apply"}});
  if (!folded.empty()) {
    ops.push_back({{"op", "replace"}, {"path", path(target) + "/fieldsV1"}, {"value", fields}});
  }
  // Highest index first, so each removal leaves the next one's index as tested.
  for (auto it = folded.rbegin(); it != folded.rend(); ++it) {
    ops.push_back({{"op", "remove"}, {"path", path(*it)}});
  }
  return ops;
}

kube::Status upgradeToApplyOwnership(kube::KubeClient& client, const kube::Resource& resource,
                                     const std::string& ns, const std::string& name,
                                     const std::string& manager, const json* fresh) {
  std::optional<json> read;
  if (fresh == nullptr) {
    auto got = client.get(resource, ns, name);
    if (!got.isOk()) return got.status();
    read = std::move(*got);
    fresh = &*read;
  }
  auto patch = ownershipUpgradePatch(
      fresh->value("/metadata/managedFields"_json_pointer, json::array()), manager);
  if (!patch) return kube::Status::ok();
  kube::PatchOptions po;
  po.fieldManager = manager;
  auto res = client.patch(resource, ns, name, kube::PatchType::kJson, *patch, po);
  return res.isOk() ? kube::Status::ok() : res.status();
}

}  // namespace ctrl::apply
