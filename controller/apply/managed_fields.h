#pragma once
// Which fields a field manager owns on a live object, read from its
// metadata.managedFields (FieldsV1). The drift check asks one question of it:
// a field we apply with a zero value (false, "", 0) is missing from live — did
// the API server drop it on the way in (omitempty: we still own it), or did
// someone remove it (an update that removes a field takes it out of every
// manager's set)? Schema-free: list elements are found through the keys the
// server wrote ("k:{...}", "v:...", "i:N"), not through a table of list types.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace ctrl::apply {

using nlohmann::json;

inline constexpr const char* kFieldManager = "clusteragent-operator";

// A position in one manager's FieldsV1 set, walked in step with a desired
// object. Holds a pointer into the live object's managedFields: live must
// outlive it.
class OwnedFields {
 public:
  // The set `manager` holds through Apply on the main resource (not a
  // subresource) of live; without one, the set it holds through Update there
  // (an object it created with a POST, which records operation Update). When
  // live carries no managedFields at all (a cache transform dropped them),
  // ownership is unknown and everything counts as owned: the comparison is
  // then as lenient as value comparison alone.
  static OwnedFields of(const json& live, const std::string& manager);
  static OwnedFields everything();
  static OwnedFields nothing();

  bool owned() const { return node_ != nullptr; }
  // The field `key` of the object at this position ("f:<key>").
  OwnedFields field(const std::string& key) const;
  // The element of the list at this position that desired element `element`
  // (at `index`) corresponds to: the "k:{...}" entry whose key fields it
  // carries, the "v:<value>" entry equal to it, or "i:<index>".
  OwnedFields element(const json& element, size_t index) const;

 private:
  explicit OwnedFields(const json* node) : node_(node) {}
  // nullptr: not owned. An empty object: a leaf, or an atomic list or map,
  // owned as a whole with everything below it.
  const json* node_;
};

// Whether entry is one of `manager`'s on the main resource, with operation
// `operation` ("Apply" or "Update").
bool isEntryOf(const json& entry, const std::string& manager, const char* operation);

// Whether `manager` holds fields of live's main resource through Update: it
// created the object with a POST and has not taken them over as an applier
// yet (ownership_upgrade.h).
bool heldThroughUpdate(const json& live, const std::string& manager);

// managedFields reduced to `manager`'s entries on the main resource, Apply
// and Update: what OwnedFields::of and heldThroughUpdate read, for caches
// that keep no more of an object than the operator reads.
json entriesOf(json managedFields, const std::string& manager);

}  // namespace ctrl::apply
