#pragma once
// The one write path for objects the operator owns: a create (POST, our field
// manager) when the object does not exist, else server-side apply, and only
// when the live object differs in a field we own or was last applied from a
// different desired object. The first apply to an object the operator created
// takes its fields over from the create's Update entry (ownership_upgrade.h).
// No per-kind hand comparisons: the same rules serve Deployments, Secrets,
// RBAC and Services.
//
// "Nothing to do" needs both checks:
//  - the applied-hash annotation (applied_hash.h) equals the hash of desired:
//    catches fields we stopped sending (a value comparison cannot, live still
//    has them), which the apply then removes, server-side apply dropping
//    what this manager owned and no longer sends;
//  - desired ⊆ live on values, with our managedFields deciding whether a
//    missing zero value was dropped by the server or removed by someone
//    (owned_fields.h): catches drift made by other hands.
// Both hold on a converged object whatever the server defaults, so an
// unchanged desired object makes no API call.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/apply/applied_hash.h"
#include "controller/apply/managed_fields.h"
#include "controller/kube/kube_client.h"

namespace ctrl::apply {

using nlohmann::json;

enum class ApplyOutcome { kUnchanged, kCreated, kUpdated };
const char* outcomeName(ApplyOutcome o);  // "unchanged" | "created" | "updated"

struct ApplyOptions {
  std::string fieldManager = kFieldManager;
  // Maps desired into the shape the cache holds before comparing, for kinds
  // cached through a transform (a Secret cached as metadata plus data
  // digests compares against the digest of the desired Secret).
  // The hash is taken of this projection too, so it carries no more than
  // the cache does (a Secret's hash is of digests, never of values).
  std::function<json(const json&)> comparable;
  // Where the hash of the applied desired object is kept; it must survive
  // the cache's transform (annotations do).
  std::string hashAnnotation = kAppliedHashAnnotation;
  // Whether an existing object may be applied to: server-side apply with
  // force would otherwise take over an object someone else created. Asked of
  // the cached object, or, when the cache holds none (a first apply, or a
  // cache that has not seen it yet), of the live one, read first. Null:
  // apply regardless.
  std::function<bool(const json& live)> mayTakeOver;
  // The cache `live` comes from holds every object of the kind where desired
  // lives (not only ours): no cached object means none exists, so the read
  // before a first apply is skipped. The window left (an object created by
  // someone else that the watch has not delivered yet) is the one a read
  // leaves too, between the read and the apply; it is only longer by the
  // watch's latency.
  bool cacheHoldsAll = false;
};

// The apply was refused: the object exists and mayTakeOver said no
// (kAlreadyExists, reason "NotOwned"; the message names the object).
bool isNotOwned(const kube::Status& s);

// desired: a complete apply configuration (apiVersion, kind, metadata.name,
// metadata.namespace for namespaced kinds, the fields we own).
// live: the cached object, or nullptr when the cache has none.
// Writes desired with the applied-hash annotation added to metadata: created
// when there was no live object (kCreated; if it turns out to exist after all,
// a 409, it is read and handled as existing), else applied with force=true
// (kUpdated; the operator is the owner of these fields, a conflicting
// manager's edit is drift to repair). kUnchanged, without calling the API,
// when it matched.
kube::StatusOr<ApplyOutcome> applyIfChanged(kube::KubeClient& client,
                                            const kube::Resource& resource, const json& desired,
                                            const json* live, const ApplyOptions& opts = {});

}  // namespace ctrl::apply
