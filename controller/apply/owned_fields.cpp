#include "controller/apply/owned_fields.h"

#include <string>

#include "controller/apply/quantity.h"

namespace ctrl::apply {
namespace {

bool isZero(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::string:
      return v.get_ref<const std::string&>().empty();
    case json::value_t::boolean:
      return !v.get<bool>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return v == 0;
    case json::value_t::object:
    case json::value_t::array:
      return v.empty();
    default:
      return false;
  }
}

bool isNumber(const json& v) {
  return v.is_number();
}

// ownKey: the key this value sits under; parentKey: the key of the object
// holding it. Quantities live directly under ResourceRequirements' `limits`
// and `requests`.
// owned: where desired sits in our manager's field set.
bool matches(const json& desired, const json& live, const std::string& ownKey,
             const std::string& parentKey, const OwnedFields& owned) {
  if (desired.is_object()) {
    if (!live.is_object()) return desired.empty() && live.is_null();
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      const OwnedFields child = owned.field(it.key());
      auto lit = live.find(it.key());
      if (lit == live.end()) {
        // Dropped by the server (still ours) or removed by someone (not ours any more).
        if (isZero(it.value()) && child.owned()) continue;
        return false;
      }
      if (!matches(it.value(), *lit, it.key(), ownKey, child)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array()) return desired.empty() && live.is_null();
    if (desired.size() != live.size()) return false;
    for (size_t i = 0; i < desired.size(); ++i) {
      if (!matches(desired[i], live[i], "", "", owned.element(desired[i], i))) return false;
    }
    return true;
  }
  if (isNumber(desired) && isNumber(live)) return desired == live;
  if (desired.is_string() && live.is_string() &&
      (parentKey == "limits" || parentKey == "requests")) {
    return quantitiesEqual(desired.get<std::string>(), live.get<std::string>());
  }
  if (desired.is_null()) return live.is_null();
  return desired == live;
}

}  // namespace

bool ownedFieldsMatch(const json& desired, const json& live, const std::string& fieldManager) {
  const OwnedFields owned =
      live.is_object() ? OwnedFields::of(live, fieldManager) : OwnedFields::everything();
  if (!desired.is_object() || !live.is_object()) return matches(desired, live, "", "", owned);
  for (auto it = desired.begin(); it != desired.end(); ++it) {
    if (it.key() == "apiVersion" || it.key() == "kind") continue;
    const OwnedFields child = owned.field(it.key());
    auto lit = live.find(it.key());
    if (lit == live.end()) {
      if (isZero(it.value()) && child.owned()) continue;
      return false;
    }
    if (!matches(it.value(), *lit, it.key(), "", child)) return false;
  }
  return true;
}

}  // namespace ctrl::apply
