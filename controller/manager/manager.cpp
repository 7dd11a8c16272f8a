#include "controller/manager/manager.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "controller/kube/fenced_kube_client.h"
#include "controller/logging/logger.h"

namespace ctrl::manager {

namespace {

struct RunnableSpec {
  std::string name;
  std::function<void(const StopSignal&)> run;
  bool needsLeader;
};

struct CacheSpec {
  std::string name;
  std::function<void()> start;
  std::function<bool(std::chrono::milliseconds)> waitForSync;
  std::function<void()> stop;
};

// A set of runnables started together and stopped together. Threads hold
// the group by shared_ptr so one that overruns the grace period (and gets
// detached) never touches freed memory.
class RunGroup {
 public:
  void start(const std::vector<RunnableSpec>& specs,
             std::function<void(const std::string&)> onEarlyExit) {
    for (const RunnableSpec& spec : specs) {
      {
        std::lock_guard<std::mutex> l(state_->mu);
        ++state_->started;
      }
      auto state = state_;
      threads_.emplace_back([state, spec, onEarlyExit] {
        logging::info("starting runnable", {{"runnable", spec.name}});
        spec.run(state->stop);
        if (!state->stop.stopRequested()) {
          logging::error("runnable returned before stop was requested", {{"runnable", spec.name}});
          onEarlyExit(spec.name);
        }
        std::lock_guard<std::mutex> l(state->mu);
        ++state->finished;
        state->cv.notify_all();
      });
    }
  }
  void requestStop() { state_->stop.requestStop(); }
  // True when every runnable has returned by the deadline.
  bool waitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> l(state_->mu);
    return state_->cv.wait_until(l, deadline,
                                 [this] { return state_->finished == state_->started; });
  }
  // True when every runnable returned before the deadline; the others are
  // abandoned (detached), and the process should not outlive them for long.
  bool stopAndWait(std::chrono::steady_clock::time_point deadline) {
    requestStop();
    return finish(waitUntil(deadline));
  }
  bool finish(bool done) {
    for (auto& t : threads_) {
      if (done)
        t.join();
      else
        t.detach();
    }
    threads_.clear();
    return done;
  }

 private:
  struct State {
    StopSignal stop;
    std::mutex mu;
    std::condition_variable cv;
    int started = 0;
    int finished = 0;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::vector<std::thread> threads_;
};

}  // namespace

struct Manager::Impl {
  static HealthServerOptions serverOptions(const ManagerOptions& o) {
    HealthServerOptions h;
    h.metricsBindAddress = o.metricsBindAddress;
    h.healthProbeBindAddress = o.healthProbeBindAddress;
    h.registry = o.registry;
    h.metricsSecure = o.metricsSecure;
    h.metricsCertDir = o.metricsCertDir;
    Registry& registry = o.registry ? *o.registry : Registry::global();
    h.refusedRequests = &registry.counter(
        "clusteragent_operator_http_refused_total",
        "Connections and requests to the metrics and probe ports refused by their caps, by "
        "listener and reason.");
    // The unfenced client: reviews are not writes, and followers serve /metrics too.
    if (o.metricsSecure) h.metricsAuthorizer = std::make_shared<MetricsAuthorizer>(o.client);
    return h;
  }

  ManagerOptions options;
  HealthServer server;
  std::vector<RunnableSpec> runnables;
  std::vector<CacheSpec> caches;
  std::atomic<bool> synced{false};
  std::atomic<bool> leading{false};
  std::atomic<bool> fatal{false};
  std::atomic<bool> lostLease{false};
  std::atomic<bool> abandoned{false};
  leader::WriteFencePtr fence;

  std::mutex mu;
  bool shuttingDown = false;
  std::unique_ptr<RunGroup> leaderGroup;

  explicit Impl(ManagerOptions o) : options(std::move(o)), server(serverOptions(options)) {
    if (!options.clock) options.clock = std::make_shared<RealClock>();
    fence = std::make_shared<leader::WriteFence>(options.clock);
  }

  // The name controller-runtime exports, so existing dashboards and alerts work.
  Gauge& leaderGauge() {
    Registry& r = options.registry ? *options.registry : Registry::global();
    return r.gauge("leader_election_master_status",
                   "Gauge of if the reporting system is master of the relevant lease, 0 indicates "
                   "backup, 1 indicates master.");
  }

  std::vector<RunnableSpec> select(bool needsLeader) const {
    std::vector<RunnableSpec> out;
    for (const auto& r : runnables) {
      if (r.needsLeader == needsLeader) out.push_back(r);
    }
    return out;
  }

  void startLeaderRunnables() {
    std::lock_guard<std::mutex> l(mu);
    if (shuttingDown || leaderGroup) return;
    leading = true;
    if (options.leaderElection) {
      leaderGauge().set({{"name", options.leaderElectionId}}, 1);
    } else {
      fence->openIndefinitely();
    }
    leaderGroup = std::make_unique<RunGroup>();
    leaderGroup->start(select(true), [this](const std::string&) { fatal = true; });
  }

  // Controllers finish their in-flight reconciles until `cancelAt`; then the
  // API requests they still wait on are cancelled (the client is shut down)
  // and they get until `deadline` to return.
  bool stopLeaderRunnables(std::chrono::steady_clock::time_point cancelAt,
                           std::chrono::steady_clock::time_point deadline) {
    std::unique_ptr<RunGroup> group;
    {
      std::lock_guard<std::mutex> l(mu);
      shuttingDown = true;
      group = std::move(leaderGroup);
    }
    bool done = true;
    if (group) {
      group->requestStop();
      done = waitWhileLeading(*group, cancelAt);
      if (!done) {
        logging::warn("reconciles still running; cancelling their API requests");
        shutdownClient();
        done = group->waitUntil(deadline);
      }
      group->finish(done);
    }
    leading = false;
    if (!options.leaderElection) fence->close();
    if (options.leaderElection) leaderGauge().set({{"name", options.leaderElectionId}}, 0);
    return done;
  }

  // Waits for the group until `until`, or less once the write fence has
  // closed (the Lease lapsed during the drain): then nothing in flight can
  // still write, and waiting on it only delays the exit.
  bool waitWhileLeading(RunGroup& group, std::chrono::steady_clock::time_point until) {
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) return group.waitUntil(now);
      if (group.waitUntil(std::min(until, now + std::chrono::milliseconds(100)))) return true;
      if (options.leaderElection && !fence->isOpen()) return false;
    }
  }

  void shutdownClient() {
    if (options.client) options.client->shutdown();
  }

  bool startCaches(const StopSignal& stop) {
    for (const auto& c : caches) {
      logging::info("starting cache", {{"cache", c.name}});
      if (c.start) c.start();
    }
    for (const auto& c : caches) {
      if (!c.waitForSync) continue;
      if (stop.stopRequested()) return false;
      if (!c.waitForSync(options.cacheSyncTimeout)) {
        logging::error(
            "cache did not sync",
            {{"cache", c.name}, {"timeoutSeconds", options.cacheSyncTimeout.count() / 1000.0}});
        return false;
      }
    }
    synced = true;
    logging::info("caches synced", {{"caches", caches.size()}});
    return true;
  }

  void stopCaches() {
    for (auto it = caches.rbegin(); it != caches.rend(); ++it) {
      if (it->stop) it->stop();
    }
  }
};

Manager::Manager(ManagerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->server.addReadinessCheck("caches-synced", [this] { return impl_->synced.load(); });
}

Manager::~Manager() = default;

void Manager::addRunnable(const std::string& name, std::function<void(const StopSignal&)> run,
                          bool needsLeader) {
  impl_->runnables.push_back({name, std::move(run), needsLeader});
}

void Manager::addCache(const std::string& name, std::function<void()> start,
                       std::function<bool(std::chrono::milliseconds)> waitForSync,
                       std::function<void()> stop) {
  impl_->caches.push_back({name, std::move(start), std::move(waitForSync), std::move(stop)});
}

void Manager::addReadinessCheck(const std::string& name, Check check) {
  impl_->server.addReadinessCheck(name, std::move(check));
}

void Manager::addHealthCheck(const std::string& name, Check check) {
  impl_->server.addHealthCheck(name, std::move(check));
}

bool Manager::isLeader() const {
  return impl_->leading.load();
}
bool Manager::cachesSynced() const {
  return impl_->synced.load();
}
bool Manager::abandonedThreads() const {
  return impl_->abandoned.load();
}

kube::KubeClientPtr Manager::fencedClient() const {
  leader::WriteFencePtr fence = impl_->fence;
  return std::make_shared<kube::FencedKubeClient>(impl_->options.client,
                                                  [fence] { return fence->isOpen(); });
}

const leader::WriteFencePtr& Manager::writeFence() const {
  return impl_->fence;
}

int Manager::run(const StopSignal& stop) {
  Impl& m = *impl_;
  kube::Status served = m.server.start();
  if (!served.isOk()) {
    logging::error("starting the metrics/health server failed", {{"error", served.toString()}});
    return 1;
  }

  RunGroup others;
  others.start(m.select(false), [&m](const std::string&) { m.fatal = true; });

  // A stop during the sync wait is a clean shutdown, not a failure.
  bool ok = m.startCaches(stop) || stop.stopRequested();

  std::unique_ptr<leader::LeaderElector> elector;
  StopSignal electorStop;
  std::thread electorThread;
  if (ok && !stop.stopRequested()) {
    if (m.options.leaderElection) {
      leader::LeaseLockPtr lock = m.options.leaseLock;
      if (!lock) {
        if (!m.options.client || m.options.leaderElectionNamespace.empty()) {
          logging::error("leader election needs a client and a namespace");
          ok = false;
        } else {
          lock = std::make_shared<leader::KubeLeaseLock>(
              m.options.leaseClient ? m.options.leaseClient : m.options.client,
              m.options.leaderElectionNamespace, m.options.leaderElectionId);
        }
      }
      if (lock) {
        leader::LeaderElectionConfig cfg = m.options.leaderElectionConfig;
        cfg.writeFence = m.fence;
        cfg.onStartedLeading = [&m] { m.startLeaderRunnables(); };
        cfg.onStoppedLeading = [&m] {
          std::lock_guard<std::mutex> l(m.mu);
          if (!m.shuttingDown) {
            logging::error("leader election lost");
            m.lostLease = true;
            m.fatal = true;
          }
        };
        cfg.onNewLeader = [](const std::string& id) {
          logging::info("new leader elected", {{"identity", id}});
        };
        elector = std::make_unique<leader::LeaderElector>(lock, cfg, m.options.clock);
        electorThread = std::thread([&elector, &electorStop] { elector->run(electorStop); });
      }
    } else {
      m.startLeaderRunnables();
    }
  }

  while (ok && !m.fatal && !stop.waitFor(std::chrono::milliseconds(100))) {
    // The fence closes on time even while the elector still waits on a hung
    // renewal request: this is the moment we stopped leading, so act on it.
    if (m.options.leaderElection && m.leading && !m.fence->isOpen()) {
      logging::error("leader lease not renewed within the renew deadline: writes stopped");
      m.lostLease = true;
      m.fatal = true;
    }
  }
  int code = (ok && !m.fatal) ? 0 : 1;

  // Controllers first, so in-flight reconciles finish while we still hold the Lease.
  const auto start = std::chrono::steady_clock::now();
  const auto grace = m.options.gracefulShutdownTimeout;
  auto deadline = start + grace;
  // Half the grace period for reconciles to end on their own; after a lost
  // Lease none (their writes are fenced off already, nothing is worth finishing).
  auto cancelAt = m.lostLease ? start : start + grace / 2;
  logging::info("shutting down",
                {{"graceSeconds", grace.count() / 1000.0}, {"leaseLost", m.lostLease.load()}});
  if (m.lostLease) {
    m.shutdownClient();
    // Nothing to hand back: end a renewal still hanging, too.
    if (m.options.leaseClient) m.options.leaseClient->shutdown();
  }
  if (!m.stopLeaderRunnables(cancelAt, deadline)) {
    logging::error("leader runnables did not stop within the grace period");
    m.abandoned = true;
    code = 1;
  }
  if (electorThread.joinable()) {
    electorStop.requestStop();  // releases the Lease if still held (its own client)
    electorThread.join();
  }
  // Lists, watches and retries of the caches and other runnables end now.
  m.shutdownClient();
  if (!others.stopAndWait(deadline)) {
    logging::error("runnables did not stop within the grace period");
    m.abandoned = true;
    code = 1;
  }
  m.stopCaches();
  m.server.stop();
  logging::info("stopped", {{"exitCode", code}});
  return code;
}

}  // namespace ctrl::manager
