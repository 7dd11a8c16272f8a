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
  if (live != nullptr && !live->is_null()) {
    bool same = opts.comparable ? ownedFieldsMatch(opts.comparable(desired), *live)
                                : ownedFieldsMatch(desired, *live);
    if (same) return ApplyOutcome::kUnchanged;
  }
  json body = desired;
  body["apiVersion"] = resource.apiVersion();
  body["kind"] = resource.kind;
  kube::PatchOptions po;
  po.fieldManager = opts.fieldManager.empty() ? kFieldManager : opts.fieldManager;
  po.force = true;
  auto res = client.patch(resource, ns, name, kube::PatchType::kApply, body, po);
  if (!res.isOk()) return res.status();
  return (live == nullptr || live->is_null()) ? ApplyOutcome::kCreated : ApplyOutcome::kUpdated;
}

}  // namespace ctrl::apply
