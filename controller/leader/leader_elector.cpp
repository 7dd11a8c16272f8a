#include "controller/leader/leader_elector.h"

#include <unistd.h>

#include <random>

#include "controller/logging/logger.h"

namespace ctrl::leader {

namespace {
int secondsCeil(std::chrono::milliseconds d) {
  return static_cast<int>((d.count() + 999) / 1000);
}
}  // namespace

std::string defaultIdentity() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = 0;
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> dist;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%08x", dist(rd));
  return std::string(host[0] ? host : "unknown") + "_" + suffix;
}

LeaderElector::LeaderElector(LeaseLockPtr lock, LeaderElectionConfig config, ClockPtr clock)
    : lock_(std::move(lock)), config_(std::move(config)), clock_(std::move(clock)) {
  if (!clock_) clock_ = std::make_shared<RealClock>();
  if (config_.identity.empty()) config_.identity = defaultIdentity();
}

bool LeaderElector::isLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !observed_.holderIdentity.empty() && observed_.holderIdentity == config_.identity;
}

std::string LeaderElector::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_.holderIdentity;
}

void LeaderElector::observe(const LeaderElectionRecord& record) {
  std::string newLeader;
  {
    std::lock_guard<std::mutex> lock(mu_);
    observed_ = record;
    observed_time_ = clock_->now();
    if (record.holderIdentity != reported_leader_) {
      reported_leader_ = record.holderIdentity;
      newLeader = record.holderIdentity;
    }
  }
  if (!newLeader.empty() && config_.onNewLeader) config_.onNewLeader(newLeader);
}

bool LeaderElector::tryAcquireOrRenew() {
  // Validity counts from before the request left: the other replicas' lease
  // clocks started no earlier than the write landed.
  const auto attemptStart = clock_->now();
  auto wallNow = clock_->wallNow();
  LeaderElectionRecord desired;
  desired.holderIdentity = config_.identity;
  desired.leaseDurationSeconds = secondsCeil(config_.leaseDuration);
  desired.acquireTime = wallNow;
  desired.renewTime = wallNow;

  if (renewOptimistically(desired, attemptStart)) return true;

  auto current = lock_->get();
  if (!current.isOk()) {
    if (!kube::isNotFound(current.status())) {
      logging::warn("reading leader lease failed",
                    {{"lease", lock_->describe()}, {"error", current.status().toString()}});
      return false;
    }
    kube::Status created = lock_->create(desired);
    if (!created.isOk()) {
      logging::info("creating leader lease failed",
                    {{"lease", lock_->describe()}, {"error", created.toString()}});
      return false;
    }
    observe(desired);
    succeeded(attemptStart);
    return true;
  }

  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = *current != observed_;
  }
  if (changed) observe(*current);

  bool held;
  {
    std::lock_guard<std::mutex> lock(mu_);
    held = current->holderIdentity == config_.identity;
    auto expiry = observed_time_ + std::chrono::seconds(current->leaseDurationSeconds);
    if (!current->holderIdentity.empty() && !held && expiry > clock_->now()) {
      return false;  // someone else holds an unexpired lease
    }
  }
  if (held) {
    desired.acquireTime = current->acquireTime;
    desired.leaseTransitions = current->leaseTransitions;
  } else {
    desired.leaseTransitions = current->leaseTransitions + 1;
  }
  kube::Status updated = lock_->update(desired);
  if (!updated.isOk()) {
    // Conflict: another candidate wrote first and won this round.
    logging::info("updating leader lease failed",
                  {{"lease", lock_->describe()}, {"error", updated.toString()}});
    return false;
  }
  observe(desired);
  succeeded(attemptStart);
  return true;
}

bool LeaderElector::renewOptimistically(LeaderElectionRecord desired,
                                        std::chrono::steady_clock::time_point attemptStart) {
  // client-go's fast path: while leading, the Lease we last wrote is almost
  // always current, so write it without reading it first. One request per
  // renewal instead of two halves the chances a lossy API server has to make
  // a whole renew deadline fail. A Conflict (or any error) falls back to the
  // read below, in the same attempt.
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool leading =
        !observed_.holderIdentity.empty() && observed_.holderIdentity == config_.identity;
    if (!leading ||
        clock_->now() >= observed_time_ + std::chrono::seconds(observed_.leaseDurationSeconds)) {
      return false;
    }
    desired.acquireTime = observed_.acquireTime;
    desired.leaseTransitions = observed_.leaseTransitions;
  }
  kube::Status updated = lock_->update(desired);
  if (!updated.isOk()) {
    logging::info("renewing leader lease optimistically failed; reading it",
                  {{"lease", lock_->describe()}, {"error", updated.toString()}});
    return false;
  }
  observe(desired);
  succeeded(attemptStart);
  return true;
}

void LeaderElector::succeeded(std::chrono::steady_clock::time_point attemptStart) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_success_start_ = attemptStart;
  }
  if (config_.writeFence) config_.writeFence->openUntil(attemptStart + config_.renewDeadline);
}

bool LeaderElector::release() {
  // Stop writing before the Lease can pass to someone else.
  if (config_.writeFence) config_.writeFence->close();
  if (!isLeader()) return true;
  LeaderElectionRecord released;
  {
    std::lock_guard<std::mutex> lock(mu_);
    released.leaseTransitions = observed_.leaseTransitions;
  }
  auto now = clock_->wallNow();
  released.leaseDurationSeconds = 1;
  released.acquireTime = now;
  released.renewTime = now;
  kube::Status s = lock_->update(released);
  if (!s.isOk()) {
    logging::error("releasing leader lease failed",
                   {{"lease", lock_->describe()}, {"error", s.toString()}});
    return false;
  }
  observe(released);
  logging::info("released leader lease",
                {{"lease", lock_->describe()}, {"identity", config_.identity}});
  return true;
}

bool LeaderElector::acquire(const StopSignal& stop) {
  logging::info("attempting to acquire leader lease",
                {{"lease", lock_->describe()}, {"identity", config_.identity}});
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(1.0, 1.2);  // client-go JitterFactor 1.2
  while (!stop.stopRequested()) {
    if (tryAcquireOrRenew()) {
      logging::info("acquired leader lease",
                    {{"lease", lock_->describe()}, {"identity", config_.identity}});
      return true;
    }
    auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(config_.retryPeriod * jitter(rng));
    if (stop.waitFor(wait)) break;
  }
  return false;
}

bool LeaderElector::renewUntilLost(const StopSignal& stop) {
  while (!stop.waitFor(config_.retryPeriod)) {
    tryAcquireOrRenew();
    std::chrono::steady_clock::time_point lastSuccess;
    {
      std::lock_guard<std::mutex> lock(mu_);
      lastSuccess = last_success_start_;
    }
    // The instant the write fence closed. A renewal that succeeded only after
    // hanging past it counts as lost too (client-go's renew context expires).
    if (clock_->now() - lastSuccess >= config_.renewDeadline) {
      if (config_.writeFence) config_.writeFence->close();
      logging::error("failed to renew leader lease within the renew deadline",
                     {{"lease", lock_->describe()}, {"identity", config_.identity}});
      return false;
    }
  }
  return true;
}

bool LeaderElector::run(const StopSignal& stop) {
  if (!acquire(stop)) return true;
  if (config_.onStartedLeading) config_.onStartedLeading();
  bool stoppedCleanly = renewUntilLost(stop);
  if (config_.writeFence) config_.writeFence->close();
  if (config_.onStoppedLeading) config_.onStoppedLeading();
  if (stoppedCleanly && config_.releaseOnCancel) release();
  return stoppedCleanly;
}

}  // namespace ctrl::leader
