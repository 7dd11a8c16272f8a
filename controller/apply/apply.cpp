#include "controller/apply/apply.h"

#include "controller/apply/owned_fields.h"

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
  bool exists = cached;
  if (opts.mayTakeOver) {
    auto notOwned = [&] {
      return kube::Status(kube::Code::kAlreadyExists,
                          describe(resource, ns, name) + " already exists and is not ours")
          .withReason(kNotOwnedReason);
    };
    if (cached) {
      // Caches that hold every object of a kind (Secrets) show others' too.
      if (!opts.mayTakeOver(*live)) return notOwned();
    } else if (!opts.cacheHoldsAll) {
      auto current = client.get(resource, ns, name);
      if (current.isOk()) {
        if (!opts.mayTakeOver(*current)) return notOwned();
        exists = true;  // ours; the cache has not caught up yet
      } else if (!kube::isNotFound(current.status())) {
        return current.status();
      }
    }
  }

  const std::string manager = opts.fieldManager.empty() ? kFieldManager : opts.fieldManager;
  // The annotation is part of body, so the subset rule also compares the
  // hash: a desired object that lost a field no longer matches.
  if (cached && ownedFieldsMatch(project(body), *live, manager)) {
    return ApplyOutcome::kUnchanged;
  }
  kube::PatchOptions po;
  po.fieldManager = manager;
  po.force = true;
  auto res = client.patch(resource, ns, name, kube::PatchType::kApply, body, po);
  if (!res.isOk()) return res.status();
  return exists ? ApplyOutcome::kUpdated : ApplyOutcome::kCreated;
}

}  // namespace ctrl::apply
