#pragma once
// "Does the live object already carry everything we would apply?" — the
// comparison behind the one write path. Only the fields the operator sets
// (those present in desired) are compared; whatever the API server or other
// managers add (defaults, uid, status, managedFields, extra annotations) is
// ignored, the way server-side apply leaves it alone.

#include <nlohmann/json.hpp>

namespace ctrl::apply {

using nlohmann::json;

// Subset comparison, desired ⊆ live:
//  - objects: every key of desired is in live with a matching value (recursive);
//  - arrays: same length, element i of desired matches element i of live
//    with this same rule (so server-defaulted fields inside containers,
//    ports, ... do not count);
//  - scalars: equal (numbers compare by value: 1 == 1u == 1.0);
//  - a desired "zero" value (null, "", false, 0, {}, []) also matches an
//    absent live key: the API drops omitempty fields, and comparing them
//    strictly would write on every reconcile;
//  - quantities under `limits` / `requests` compare by value ("0.5" == "500m",
//    "1Gi" == "1024Mi"), since the API server canonicalises them.
// The top-level `apiVersion` and `kind` are not compared: objects from a list
// (and so from an informer cache) may not carry them.
bool ownedFieldsMatch(const json& desired, const json& live);

}  // namespace ctrl::apply
