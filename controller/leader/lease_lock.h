#pragma once
// The resource lock the leader elector competes for: a
// coordination.k8s.io/v1 Lease. Writes carry the resourceVersion last read,
// so two candidates racing for the same Lease cannot both win: the loser
// gets Conflict (client-go resourcelock.LeaseLock).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "controller/kube/kube_client.h"
#include "controller/kube/status.h"

namespace ctrl::leader {

struct LeaderElectionRecord {
  std::string holderIdentity;  // "" when released
  int leaseDurationSeconds = 0;
  std::chrono::system_clock::time_point acquireTime{};
  std::chrono::system_clock::time_point renewTime{};
  int leaseTransitions = 0;

  bool operator==(const LeaderElectionRecord& o) const {
    return holderIdentity == o.holderIdentity && leaseDurationSeconds == o.leaseDurationSeconds &&
           acquireTime == o.acquireTime && renewTime == o.renewTime &&
           leaseTransitions == o.leaseTransitions;
  }
  bool operator!=(const LeaderElectionRecord& o) const { return !(*this == o); }
};

class LeaseLock {
 public:
  virtual ~LeaseLock() = default;
  // NotFound when the Lease does not exist yet.
  virtual kube::StatusOr<LeaderElectionRecord> get() = 0;
  virtual kube::Status create(const LeaderElectionRecord& record) = 0;
  // Conditional on the resourceVersion of the last get/create/update:
  // Conflict when someone else wrote in between.
  virtual kube::Status update(const LeaderElectionRecord& record) = 0;
  virtual std::string describe() const = 0;  // "ns/name"
};
using LeaseLockPtr = std::shared_ptr<LeaseLock>;

class KubeLeaseLock final : public LeaseLock {
 public:
  KubeLeaseLock(kube::KubeClientPtr client, std::string ns, std::string name);
  kube::StatusOr<LeaderElectionRecord> get() override;
  kube::Status create(const LeaderElectionRecord& record) override;
  kube::Status update(const LeaderElectionRecord& record) override;
  std::string describe() const override { return ns_ + "/" + name_; }

  static LeaderElectionRecord recordFromLease(const nlohmann::json& lease);
  static nlohmann::json specFromRecord(const LeaderElectionRecord& record);

 private:
  kube::KubeClientPtr client_;
  std::string ns_;
  std::string name_;
  nlohmann::json lease_;  // last seen, carries metadata.resourceVersion
};

}  // namespace ctrl::leader
