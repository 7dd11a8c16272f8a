#include "controller/apply/apply.h"

#include <optional>

#include "controller/apply/owned_fields.h"
#include "controller/apply/ownership_upgrade.h"

namespace ctrl::apply {

const char* outcomeName(ApplyOutcome o) {
  switch (o) {
    case ApplyOutcome::kUnchanged:
      return "unchanged";
    case ApplyOutcome::kCreated:
      return "created";
    case ApplyOutcome::kUpdated:
      return "updated";
  }
  return "unknown";
}

namespace {
constexpr const char* kNotOwnedReason = "NotOwned";

std::string describe(const kube::Resource& r, const std::string& ns, const std::string& name) {
  return r.kind + " " + (ns.empty() ? name : ns + "/" + name);
}
}  // namespace

bool isNotOwned(const kube::Status& s) {
  return s.code() == kube::Code::kAlreadyExists && s.reason() == kNotOwnedReason;
}

kube::StatusOr<ApplyOutcome> applyIfChanged(kube::KubeClient& client,
                                            const kube::Resource& resource, const json& desired,
                                            const json* live, const ApplyOptions& opts) {
  const json& meta = desired.value("metadata", json::object());
  const std::string name = meta.value("name", "");
  const std::string ns = resource.namespaced ? meta.value("namespace", "") : "";
  if (name.empty()) {
    return kube::Status(kube::Code::kInvalidArgument, "apply " + resource.qualifiedName() +
                                                          ": desired object has no metadata.name");
  }
  if (resource.namespaced && ns.empty()) {
    return kube::Status(
        kube::Code::kInvalidArgument,
        "apply " + resource.qualifiedName() + " \"" + name + "\": desired object has no namespace");
  }
  json body = desired;
  body["apiVersion"] = resource.apiVersion();
  body["kind"] = resource.kind;
  auto project = [&](const json& obj) { return opts.comparable ? opts.comparable(obj) : obj; };
  const std::string annotation =
      opts.hashAnnotation.empty() ? kAppliedHashAnnotation : opts.hashAnnotation;
  // Hash taken before the annotation is added: it describes desired alone.
  const std::string hash = appliedHash(project(body));
  json& annotations = body["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  annotations[annotation] = hash;

  const bool cached = live != nullptr && !live->is_null();
  // The object as last seen: the cached one, or one read from the server
  // (whole: its managedFields are not trimmed). Null: it does not exist as far
  // as the operator knows.
  const json* seen = cached ? live : nullptr;
  std::optional<json> read;
  auto notOwned = [&] {
    return kube::Status(kube::Code::kAlreadyExists,
                        describe(resource, ns, name) + " already exists and is not ours")
        .withReason(kNotOwnedReason);
  };
  auto readLive = [&]() -> kube::Status {
    auto current = client.get(resource, ns, name);
    if (!current.isOk()) return current.status();
    read = std::move(*current);
    seen = &*read;
    if (opts.mayTakeOver && !opts.mayTakeOver(*read)) return notOwned();
    return kube::Status::ok();
  };
  if (opts.mayTakeOver) {
    if (cached) {
      // Caches that hold every object of a kind (Secrets) show others' too.
      if (!opts.mayTakeOver(*live)) return notOwned();
    } else if (!opts.cacheHoldsAll) {
      kube::Status s = readLive();  // ours or not; the cache has not caught up yet
      if (!s.isOk() && !kube::isNotFound(s)) return s;
    }
  }

  const std::string manager = opts.fieldManager.empty() ? kFieldManager : opts.fieldManager;
  // The annotation is part of body, so the subset rule also compares the
  // hash: a desired object that lost a field no longer matches.
  if (cached && ownedFieldsMatch(project(body), *live, manager)) {
    return ApplyOutcome::kUnchanged;
  }
  if (seen == nullptr) {
    auto created = client.create(resource, ns, body, manager);
    if (created.isOk()) return ApplyOutcome::kCreated;
    if (!kube::isAlreadyExists(created.status())) return created.status();
    // Created since the cache or the read said otherwise: by us (a watch
    // event still on its way) or by someone else.
    kube::Status s = readLive();
    if (!s.isOk()) return s;
  }
  if (heldThroughUpdate(*seen, manager)) {
    kube::Status s =
        upgradeToApplyOwnership(client, resource, ns, name, manager, seen == live ? nullptr : seen);
    if (!s.isOk()) return s;
  }
  kube::PatchOptions po;
  po.fieldManager = manager;
  po.force = true;
  auto res = client.patch(resource, ns, name, kube::PatchType::kApply, body, po);
  if (!res.isOk()) return res.status();
  return ApplyOutcome::kUpdated;
}

}  // namespace ctrl::apply
