#pragma once
// Lease-based leader election (client-go tools/leaderelection). A candidate
// takes the Lease when it is free or expired, renews it every retryPeriod,
// and gives up leading when it cannot renew within renewDeadline. Expiry is
// judged by when *we* last saw the record change (on our own Clock), never by
// comparing our wall clock with the holder's renewTime, so clock skew between
// replicas cannot make two leaders.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "controller/clock/clock.h"
#include "controller/clock/stop_signal.h"
#include "controller/leader/lease_lock.h"
#include "controller/leader/write_fence.h"

namespace ctrl::leader {

struct LeaderElectionConfig {
  std::string identity;  // defaultIdentity() when empty
  std::chrono::milliseconds leaseDuration{std::chrono::seconds(15)};
  std::chrono::milliseconds renewDeadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retryPeriod{std::chrono::seconds(2)};
  // On a clean stop, hand the Lease back so a successor need not wait out
  // the lease (client-go ReleaseOnCancel).
  bool releaseOnCancel = true;
  // Opened by every successful acquire/renew until renewDeadline after that
  // attempt began; closed when leading ends. Optional.
  WriteFencePtr writeFence;
  // Called on the elector's thread; must return promptly.
  std::function<void()> onStartedLeading;
  std::function<void()> onStoppedLeading;
  std::function<void(const std::string& identity)> onNewLeader;
};

// hostname + "_" + random hex, unique per process.
std::string defaultIdentity();

class LeaderElector {
 public:
  LeaderElector(LeaseLockPtr lock, LeaderElectionConfig config, ClockPtr clock = nullptr);

  // Blocks: acquires (retrying until stop), leads while renewals succeed,
  // then calls onStoppedLeading. Returns when stop is requested (after
  // releasing the Lease) or leadership is lost. Returns true when it stopped
  // because of `stop`, false when leadership was lost.
  bool run(const StopSignal& stop);

  // One attempt to take or renew the Lease; true when we hold it afterwards.
  bool tryAcquireOrRenew();
  // Hands the Lease back if we hold it.
  bool release();

  bool isLeader() const;
  std::string leader() const;  // last observed holder
  const std::string& identity() const { return config_.identity; }

 private:
  bool acquire(const StopSignal& stop);
  bool renewUntilLost(const StopSignal& stop);
  void observe(const LeaderElectionRecord& record);
  void succeeded(std::chrono::steady_clock::time_point attemptStart);
  bool renewOptimistically(LeaderElectionRecord desired,
                           std::chrono::steady_clock::time_point attemptStart);

  LeaseLockPtr lock_;
  LeaderElectionConfig config_;
  ClockPtr clock_;
  mutable std::mutex mu_;
  LeaderElectionRecord observed_;
  std::chrono::steady_clock::time_point observed_time_{};
  // When the last attempt that took or renewed the Lease began.
  std::chrono::steady_clock::time_point last_success_start_{};
  std::string reported_leader_;
};

}  // namespace ctrl::leader
