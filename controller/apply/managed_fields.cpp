#include "controller/apply/managed_fields.h"

namespace ctrl::apply {
namespace {

const json& emptyNode() {
  static const json kEmpty = json::object();
  return kEmpty;
}

bool startsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// "k:{\"name\":\"agent\"}" names the element whose key fields have these values.
bool keyMatches(const std::string& encoded, const json& element) {
  if (!element.is_object()) return false;
  json key = json::parse(encoded, nullptr, false);
  if (!key.is_object() || key.empty()) return false;
  for (auto it = key.begin(); it != key.end(); ++it) {
    auto e = element.find(it.key());
    if (e == element.end() || *e != it.value()) return false;
  }
  return true;
}

}  // namespace

OwnedFields OwnedFields::everything() {
  return OwnedFields(&emptyNode());
}

OwnedFields OwnedFields::nothing() {
  return OwnedFields(nullptr);
}

bool isEntryOf(const json& entry, const std::string& manager, const char* operation) {
  return entry.is_object() && entry.value("manager", "") == manager &&
         entry.value("operation", "") == operation && entry.value("subresource", "").empty();
}

namespace {
const json* managedFieldsOf(const json& live) {
  auto md = live.find("metadata");
  if (md == live.end() || !md->is_object()) return nullptr;
  auto mf = md->find("managedFields");
  return mf == md->end() || !mf->is_array() ? nullptr : &*mf;
}

// An empty set would read as "owns everything"; it owns nothing.
const json* fieldsOf(const json& managedFields, const std::string& manager, const char* operation) {
  for (const auto& entry : managedFields) {
    if (!isEntryOf(entry, manager, operation)) continue;
    auto fields = entry.find("fieldsV1");
    if (fields != entry.end() && fields->is_object() && !fields->empty()) return &*fields;
  }
  return nullptr;
}
}  // namespace

OwnedFields OwnedFields::of(const json& live, const std::string& manager) {
  const json* mf = managedFieldsOf(live);
  if (mf == nullptr) return everything();
  if (const json* applied = fieldsOf(*mf, manager, "Apply")) return OwnedFields(applied);
  return OwnedFields(fieldsOf(*mf, manager, "Update"));
}

bool heldThroughUpdate(const json& live, const std::string& manager) {
  const json* mf = managedFieldsOf(live);
  return mf != nullptr && fieldsOf(*mf, manager, "Update") != nullptr;
}

json entriesOf(json managedFields, const std::string& manager) {
  json kept = json::array();
  if (!managedFields.is_array()) return kept;
  for (auto& entry : managedFields) {
    if (isEntryOf(entry, manager, "Apply") || isEntryOf(entry, manager, "Update")) {
      kept.push_back(std::move(entry));
    }
  }
  return kept;
}

OwnedFields OwnedFields::field(const std::string& key) const {
  if (node_ == nullptr || node_->empty()) return *this;
  auto it = node_->find("f:" + key);
  return it == node_->end() ? nothing() : OwnedFields(&*it);
}

OwnedFields OwnedFields::element(const json& element, size_t index) const {
  if (node_ == nullptr || node_->empty()) return *this;
  for (auto it = node_->begin(); it != node_->end(); ++it) {
    const std::string& k = it.key();
    bool match = false;
    if (startsWith(k, "k:")) {
      match = keyMatches(k.substr(2), element);
    } else if (startsWith(k, "v:")) {
      json v = json::parse(k.substr(2), nullptr, false);
      match = !v.is_discarded() && v == element;
    } else if (startsWith(k, "i:")) {
      match = k.substr(2) == std::to_string(index);
    }
    if (match) return OwnedFields(&it.value());
  }
  return nothing();
}

}  // namespace ctrl::apply
