#include "controller/leader/lease_lock.h"

#include "controller/clock/rfc3339.h"

namespace ctrl::leader {

using nlohmann::json;

KubeLeaseLock::KubeLeaseLock(kube::KubeClientPtr client, std::string ns, std::string name)
    : client_(std::move(client)), ns_(std::move(ns)), name_(std::move(name)) {}

LeaderElectionRecord KubeLeaseLock::recordFromLease(const json& lease) {
  LeaderElectionRecord r;
  const json spec = lease.value("spec", json::object());
  r.holderIdentity = spec.value("holderIdentity", "");
  r.leaseDurationSeconds = spec.value("leaseDurationSeconds", 0);
  r.leaseTransitions = spec.value("leaseTransitions", 0);
  if (spec.contains("acquireTime") && spec["acquireTime"].is_string()) {
    parseRfc3339(spec["acquireTime"].get<std::string>(), &r.acquireTime);
  }
  if (spec.contains("renewTime") && spec["renewTime"].is_string()) {
    parseRfc3339(spec["renewTime"].get<std::string>(), &r.renewTime);
  }
  return r;
}

json KubeLeaseLock::specFromRecord(const LeaderElectionRecord& r) {
  json spec = {{"leaseDurationSeconds", r.leaseDurationSeconds},
               {"acquireTime", formatMicroTime(r.acquireTime)},
               {"renewTime", formatMicroTime(r.renewTime)},
               {"leaseTransitions", r.leaseTransitions}};
  // An empty holder is how a released Lease reads (client-go leaves it unset).
  if (!r.holderIdentity.empty()) spec["holderIdentity"] = r.holderIdentity;
  return spec;
}

kube::StatusOr<LeaderElectionRecord> KubeLeaseLock::get() {
  auto lease = client_->get(kube::resources::kLeases, ns_, name_);
  if (!lease.isOk()) return lease.status();
  lease_ = *lease;
  return recordFromLease(lease_);
}

kube::Status KubeLeaseLock::create(const LeaderElectionRecord& record) {
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", name_}, {"namespace", ns_}}},
                {"spec", specFromRecord(record)}};
  auto created = client_->create(kube::resources::kLeases, ns_, lease);
  if (!created.isOk()) return created.status();
  lease_ = *created;
  return kube::Status::ok();
}

kube::Status KubeLeaseLock::update(const LeaderElectionRecord& record) {
  if (lease_.is_null()) {
    return kube::Status(kube::Code::kInternal, "lease " + describe() + " not read before update");
  }
  json lease = lease_;
  lease["spec"] = specFromRecord(record);
  auto updated = client_->update(kube::resources::kLeases, ns_, lease);
  if (!updated.isOk()) return updated.status();
  lease_ = *updated;
  return kube::Status::ok();
}

}  // namespace ctrl::leader
