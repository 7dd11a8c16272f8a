#pragma once
// "Does the live object already carry everything we would apply?" — the
// comparison behind the one write path. Only the fields the operator sets
// (those present in desired) are compared; whatever the API server or other
// managers add (defaults, uid, status, managedFields, extra annotations) is
// ignored, the way server-side apply leaves it alone.

#include <nlohmann/json.hpp>
#include <string>

#include "controller/apply/managed_fields.h"

namespace ctrl::apply {

using nlohmann::json;

// Subset comparison, desired ⊆ live:
//  - objects: every key of desired is in live with a matching value (recursive);
//  - arrays: same length, element i of desired matches element i of live
//    with this same rule (so server-defaulted fields inside containers,
//    ports, ... do not count);
//  - scalars: equal (numbers compare by value: 1 == 1u == 1.0);
//  - a desired "zero" value (null, "", false, 0, {}, []) also matches an
//    absent live key, but only while `fieldManager` still owns that field in
//    live's metadata.managedFields (managed_fields.h): the API server drops
//    omitempty zero values yet keeps them in the applier's field set, while
//    a field someone removed (kubectl edit, a JSON patch) leaves every
//    manager's set with it. So a removed `allowPrivilegeEscalation: false`
//    is a mismatch, a dropped `readOnly: false` is not. Live without any
//    managedFields (a cache transform dropped them) keeps the lenient rule;
//  - quantities under `limits` / `requests` compare by value ("0.5" == "500m",
//    "1Gi" == "1024Mi"), since the API server canonicalises them.
// The top-level `apiVersion` and `kind` are not compared: objects from a list
// (and so from an informer cache) may not carry them.
bool ownedFieldsMatch(const json& desired, const json& live,
                      const std::string& fieldManager = kFieldManager);

}  // namespace ctrl::apply
