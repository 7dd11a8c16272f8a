#pragma once
// The manager of runnables (controller-runtime pkg/manager): starts the
// health/metrics server first, then the caches (and waits until they have
// synced before reporting ready), then — only while this replica holds the
// leader Lease, when leader election is on — the leader-gated runnables
// (controllers). Losing the Lease stops everything and run() returns
// non-zero: the process exits and restarts as a follower, as in
// controller-runtime. A clean stop winds down in order: controllers finish
// in-flight work (half the grace period, then their API requests are
// cancelled), the Lease is released, the client is shut down so lists and
// watches end at once, caches stop, the server stops last. Losing the Lease
// closes the write fence at once and skips the drain.
//
// Generic: informers and controllers plug in as plain functions, e.g.
//   mgr.addCache("clusteragents", [&]{ inf.start(); },
//                [&](auto t){ return inf.waitForSync(t); }, [&]{ inf.stop(); });
//   mgr.addRunnable("clusteragent-controller",
//                   [&](const ctrl::StopSignal& s){ controller.run(s); }, true);

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/clock/stop_signal.h"
#include "controller/kube/kube_client.h"
#include "controller/leader/leader_elector.h"
#include "controller/manager/health_server.h"

namespace ctrl::manager {

struct ManagerOptions {
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  // /metrics over HTTPS, for callers a TokenReview and SubjectAccessReview
  // through `client` allow (health_server.h); certificate from metricsCertDir
  // (tls.crt, tls.key) or self-signed when "".
  bool metricsSecure = false;
  std::string metricsCertDir;
  // Serves /metrics and receives leader_election_master_status; global() when null.
  Registry* registry = nullptr;

  bool leaderElection = false;
  std::string leaderElectionNamespace;
  std::string leaderElectionId = "clusteragent-operator-leader";
  leader::LeaderElectionConfig leaderElectionConfig;  // callbacks are the manager's own
  // The Lease to compete for; a KubeLeaseLock on `client` when null.
  leader::LeaseLockPtr leaseLock;
  kube::KubeClientPtr client;
  // The Lease's own client (client-go gives leader election its own too): its
  // own rate limit, no retries and a short timeout, so a renewal never waits
  // behind controller traffic or outlasts the renew deadline. `client` when null.
  kube::KubeClientPtr leaseClient;

  std::chrono::milliseconds cacheSyncTimeout{std::chrono::minutes(2)};
  // How long runnables get to return after stop before we give up on them.
  std::chrono::milliseconds gracefulShutdownTimeout{std::chrono::seconds(30)};
  ClockPtr clock;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // run blocks until the StopSignal fires. needsLeader: only runs while
  // this replica leads (always, when leader election is off).
  void addRunnable(const std::string& name, std::function<void(const StopSignal&)> run,
                   bool needsLeader);
  // A cache: started before any runnable that needs the leader; ready once
  // every waitForSync returned true.
  void addCache(const std::string& name, std::function<void()> start,
                std::function<bool(std::chrono::milliseconds)> waitForSync,
                std::function<void()> stop);
  void addReadinessCheck(const std::string& name, Check check);
  void addHealthCheck(const std::string& name, Check check);

  // Blocks until `stop` fires (returns 0 after a clean shutdown) or
  // something fatal happens: the server cannot bind, caches do not sync, the
  // Lease is lost, shutdown overran its grace period (returns 1).
  int run(const StopSignal& stop);

  bool isLeader() const;
  bool cachesSynced() const;
  // After run(): some runnable overran the grace period and still runs
  // detached; the process should end without running static destructors.
  bool abandonedThreads() const;

  // `client` with writes fenced: allowed only while this replica surely leads
  // (always, without leader election, between start and stop). Give it to
  // everything that writes on the leader's behalf.
  kube::KubeClientPtr fencedClient() const;
  const leader::WriteFencePtr& writeFence() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctrl::manager
