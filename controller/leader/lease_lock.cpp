#include "controller/leader/lease_lock.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ctrl::leader {

using nlohmann::json;

std::string formatMicroTime(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  if (secs > t) secs -= std::chrono::seconds(1);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros));
  return buf;
}

bool parseMicroTime(const std::string& s, std::chrono::system_clock::time_point* out) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t pos = static_cast<size_t>(consumed);
  long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) {
        micros = micros * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  if (pos >= s.size() || s[pos] != 'Z') return false;
  *out = std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::microseconds(micros);
  return true;
}

KubeLeaseLock::KubeLeaseLock(kube::KubeClientPtr client, std::string ns, std::string name)
    : client_(std::move(client)), ns_(std::move(ns)), name_(std::move(name)) {}

LeaderElectionRecord KubeLeaseLock::recordFromLease(const json& lease) {
  LeaderElectionRecord r;
  const json spec = lease.value("spec", json::object());
  r.holderIdentity = spec.value("holderIdentity", "");
  r.leaseDurationSeconds = spec.value("leaseDurationSeconds", 0);
  r.leaseTransitions = spec.value("leaseTransitions", 0);
  if (spec.contains("acquireTime") && spec["acquireTime"].is_string()) {
    parseMicroTime(spec["acquireTime"].get<std::string>(), &r.acquireTime);
  }
  if (spec.contains("renewTime") && spec["renewTime"].is_string()) {
    parseMicroTime(spec["renewTime"].get<std::string>(), &r.renewTime);
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
