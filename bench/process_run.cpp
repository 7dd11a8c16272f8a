#include "bench/process_run.h"

#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "bench/bench_util.h"
#include "bench/convergence_watch.h"
#include "bench/report_table.h"
#include "bench/token_rotation.h"
#include "controller/kube/kube_client.h"
#include "reconcilers/clusteragent/ownership.h"
#include "tests/support/operator_process.h"

namespace bench {
namespace {

using nlohmann::json;
using testsupport::fileTail;

// Waits until no write and no reconcile for `quiet` (reads may trickle on:
// resyncs, requeues), up to `cap`, and until done(s) when given.
Snapshot waitQuiet(ProcessSubject& p, std::chrono::seconds quiet, std::chrono::seconds cap,
                   const std::function<bool(const Snapshot&)>& done = nullptr) {
  auto end = SteadyClock::now() + cap;
  Snapshot last = p.scrape();
  auto lastChange = SteadyClock::now();
  while (SteadyClock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Snapshot s = p.scrape();
    if (!s.ok) continue;
    if (s.writes() != last.writes() || s.reconciles() != last.reconciles()) {
      lastChange = SteadyClock::now();
    }
    last = s;
    if ((!done || done(s)) && SteadyClock::now() - lastChange >= quiet) break;
  }
  return last;
}

class ProcessRun {
 public:
  ProcessRun(const ProcessSubjectConfig& c, BenchNamespace& ns, const RunOptions& o,
             SubjectFigures& f)
      : c_(c), ns_(ns), o_(o), f_(f), n_(ns.count()) {}

  void execute();

 private:
  bool startProcess(const std::string& logSuffix);
  bool converge();
  bool settle();
  bool idle();
  bool noOpReconcile();
  bool restart();
  bool rotation();
  bool deleteAll();
  void countEvents();
  bool alive(const std::string& phase);
  void byVerbPerCa(const std::string& phase, const Snapshot& d);

  const ProcessSubjectConfig& c_;
  BenchNamespace& ns_;
  const RunOptions& o_;
  SubjectFigures& f_;
  const int n_;
  std::unique_ptr<ProcessSubject> p_;
  Snapshot snap_;
};

bool ProcessRun::startProcess(const std::string& logSuffix) {
  p_ = std::make_unique<ProcessSubject>(
      c_, ns_.name(),
      o_.logDir + "/" + c_.name + "-" + std::to_string(n_) + "-" + f_.limits + logSuffix + ".log");
  std::string error;
  if (!p_->start(&error)) {
    f_.fail("cannot start " + c_.binary + ": " + error);
    return false;
  }
  std::cerr << "bench: " << c_.name << " pid " << p_->pid() << ", log " << p_->logPath()
            << std::endl;
  return true;
}

bool ProcessRun::alive(const std::string& phase) {
  if (p_->running()) return true;
  f_.fail(c_.name + " exited during " + phase + "; log tail:\n" + fileTail(p_->logPath(), 30));
  return false;
}

void ProcessRun::byVerbPerCa(const std::string& phase, const Snapshot& d) {
  f_.requestsByVerb[phase] = d.requestsByVerb;
}

bool ProcessRun::converge() {
  ConvergenceWatch watch(ns_.clientPtr(), ns_.name());
  auto t0 = SteadyClock::now();
  watch.start(t0);
  if (!startProcess("")) return false;
  auto bound = std::chrono::seconds(120 + 3 * n_);
  double readyAt = -1, metricsAt = -1;
  int deployments = 0;
  while (true) {
    if (!alive("convergence")) return false;
    if (metricsAt < 0 && p_->scrape().ok) metricsAt = seconds(SteadyClock::now() - t0);
    if (readyAt < 0 && p_->ready()) readyAt = seconds(SteadyClock::now() - t0);
    if (watch.converged() >= n_) {
      deployments = ns_.countDeployments(c_.managedBy);
      if (deployments == n_) break;
    }
    if (SteadyClock::now() - t0 > bound) {
      f_.fail("no convergence within " + std::to_string(bound.count()) + " s: " +
              std::to_string(watch.converged()) + "/" + std::to_string(n_) + " observed, " +
              std::to_string(deployments) + " Deployments labelled managed-by=" + c_.managedBy +
              "; log tail:\n" + fileTail(p_->logPath(), 30));
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double took = seconds(SteadyClock::now() - t0);
  watch.stop();
  snap_ = p_->scrape();
  if (!snap_.ok || snap_.requestsByVerb.empty()) {
    f_.fail("no " + c_.metrics.requests + " on /metrics");
    return false;
  }
  auto lat = watch.latencies();
  f_.set("converge_s", took);
  f_.set("metrics_up_s", metricsAt);
  if (readyAt >= 0) f_.set("ready_s", readyAt);
  f_.set("ca_p50_s", quantile(lat, 0.5));
  f_.set("ca_p99_s", quantile(lat, 0.99));
  f_.set("conv_requests_per_ca", snap_.requests() / n_);
  f_.set("conv_writes_per_ca", snap_.writes() / n_);
  f_.set("conv_request_rate", snap_.requests() / took);
  f_.set("conv_reconciles", snap_.reconciles());
  byVerbPerCa("convergence", snap_);
  if (auto u = p_->usage()) {
    f_.set("cpu_converge_s", u->cpuSeconds);
    f_.set("rss_converged_mib", u->rssMiB);
  }
  if (c_.eventsToo) countEvents();
  return true;
}

bool ProcessRun::settle() {
  auto start = SteadyClock::now();
  Snapshot s = waitQuiet(*p_, std::chrono::seconds(5), std::chrono::seconds(60 + n_));
  Snapshot d = diff(snap_, s);
  f_.set("settle_s", seconds(SteadyClock::now() - start));
  f_.set("settle_writes", d.writes());
  byVerbPerCa("settle", d);
  snap_ = s;
  return alive("settle");
}

bool ProcessRun::idle() {
  auto before = p_->usage();
  std::this_thread::sleep_for(o_.idleWindow);
  if (!alive("the idle window")) return false;
  Snapshot s = p_->scrape();
  auto after = p_->usage();
  Snapshot d = diff(snap_, s);
  snap_ = s;
  f_.set("idle_requests", d.requests());
  f_.set("idle_writes", d.writes());
  f_.set("idle_reconciles", d.reconciles());
  byVerbPerCa("idle", d);
  if (before && after) {
    f_.set("idle_cpu_s", after->cpuSeconds - before->cpuSeconds);
    f_.set("rss_steady_mib", after->rssMiB);
    f_.set("rss_peak_mib", after->peakRssMiB);
    f_.set("threads", after->threads);
  }
  if (d.writes() > 0) {
    f_.fail(formatNumber(d.writes(), 0) + " API writes while nothing changed (" +
            joinCounts(d.requestsByVerb) + "): churning objects or status");
    return false;
  }
  return true;
}

bool ProcessRun::noOpReconcile() {
  // An annotation changes nothing the ClusterAgent owns (generation stays):
  // every ClusterAgent is reconciled once and must write nothing.
  Snapshot before = p_->scrape();
  auto start = SteadyClock::now();
  std::string error = parallelFor(n_, 4, [&](int i) -> std::string {
    json patch = {
        {"metadata", {{"annotations", {{"bench.clusteragent.io/touched", std::to_string(i)}}}}}};
    auto r = ns_.client().patch(clusteragent::kClusterAgents, ns_.name(), agentName(i),
                                ctrl::kube::PatchType::kMerge, patch);
    return r.isOk() ? "" : "annotate " + agentName(i) + ": " + r.status().toString();
  });
  if (!error.empty()) {
    f_.fail(error);
    return false;
  }
  const double wanted = before.reconciles() + n_;
  const bool haveReconcileMetric = !before.reconcilesByResult.empty();
  Snapshot s = waitQuiet(
      *p_, std::chrono::seconds(3), std::chrono::seconds(60 + n_),
      [&](const Snapshot& x) { return !haveReconcileMetric || x.reconciles() >= wanted; });
  Snapshot d = diff(before, s);
  snap_ = s;
  f_.set("noop_s", seconds(SteadyClock::now() - start));
  f_.set("noop_requests", d.requests());
  f_.set("noop_writes", d.writes());
  f_.set("noop_reconciles", d.reconciles());
  byVerbPerCa("noop", d);
  if (d.writes() > 0) {
    f_.fail(formatNumber(d.writes(), 0) + " API writes from reconciles with nothing to change (" +
            joinCounts(d.requestsByVerb) + ")");
    return false;
  }
  return alive("the no-op reconcile");
}

bool ProcessRun::restart() {
  std::cerr << "bench: " << c_.name << " stopped for the restart: " << p_->stop() << std::endl;
  auto t0 = SteadyClock::now();
  if (!startProcess("-restart")) return false;
  auto bound = std::chrono::seconds(60 + n_ / 10);
  while (!p_->ready()) {
    if (!alive("the restart")) return false;
    if (SteadyClock::now() - t0 > bound) {
      f_.fail("not ready " + std::to_string(bound.count()) + " s after a restart with " +
              std::to_string(n_) + " ClusterAgents");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  f_.set("restart_ready_s", seconds(SteadyClock::now() - t0));
  // The initial reconcile of all N after the restart: reads only.
  Snapshot s = waitQuiet(*p_, std::chrono::seconds(5), std::chrono::seconds(30 + n_ / 5));
  snap_ = s;
  f_.set("restart_requests", s.requests());
  f_.set("restart_writes", s.writes());
  f_.set("restart_reconciles", s.reconciles());
  byVerbPerCa("restart", s);
  // A failure, but not one that makes the later phases meaningless: go on.
  if (s.writes() > 0) {
    f_.fail(formatNumber(s.writes(), 0) + " API writes on a restart with nothing to change (" +
            joinCounts(s.requestsByVerb) + ")");
  }
  return alive("the restart");
}

bool ProcessRun::rotation() {
  Snapshot before = p_->scrape();
  RotationResult r = rotateTokens(ns_, c_.managedBy);
  Snapshot s = waitQuiet(*p_, std::chrono::seconds(3), std::chrono::seconds(30 + n_ / 5));
  Snapshot d = diff(before, s);
  snap_ = s;
  if (!r.error.empty()) {
    f_.fail("token rotation: " + r.error);
    return false;
  }
  f_.set("rotation_s", r.seconds);
  f_.set("rotation_affected", r.affected);
  f_.set("rotation_hash_changed", r.hashChanged);
  f_.set("rotation_others_touched", r.others - r.othersUntouched);
  f_.set("rotation_writes_per_affected", d.writes() / std::max(1, r.affected));
  byVerbPerCa("rotation", d);
  if (r.othersUntouched != r.others) {
    f_.fail(std::to_string(r.others - r.othersUntouched) + " of " + std::to_string(r.others) +
            " Deployments whose token did not change were modified by the rotation");
    return false;
  }
  return alive("the token rotation");
}

bool ProcessRun::deleteAll() {
  auto start = SteadyClock::now();
  (void)parallelFor(n_, 4, [&](int i) -> std::string {
    (void)ns_.client().remove(clusteragent::kClusterAgents, ns_.name(), agentName(i));
    return "";
  });
  auto bound = std::chrono::seconds(120 + n_);
  while (true) {
    auto cas = ctrl::kube::listAll(ns_.client(), clusteragent::kClusterAgents, ns_.name());
    size_t left = cas.isOk() ? (*cas)["items"].size() : static_cast<size_t>(n_);
    if (left == 0) break;
    if (SteadyClock::now() - start > bound) {
      f_.fail(std::to_string(left) + " ClusterAgents still present " +
              std::to_string(bound.count()) + " s after deletion (finalizer not removed?)");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  f_.set("delete_s", seconds(SteadyClock::now() - start));
  return true;
}

// Each Event is a POST (or a PATCH when aggregated), through the same client.
// The bench's namespace holds what an install has, so a creation is healthy
// and its steps are told by conditions: any Event is a regression, either of
// the operator's Events or of the bench's namespace (runs A-G in the README
// measured 1000 Warning Events for a missing argocd-redis unnoticed).
void ProcessRun::countEvents() {
  auto events = ctrl::kube::listAll(ns_.client(), ctrl::kube::resources::kEvents, ns_.name());
  if (!events.isOk()) {
    f_.fail("cannot count the Events on ClusterAgents: " + events.status().toString());
    return;
  }
  int objects = 0;
  std::map<std::string, double> byReason;
  for (const auto& e : (*events)["items"]) {
    if (e.value("/involvedObject/kind"_json_pointer, "") != "ClusterAgent") continue;
    ++objects;
    ++byReason[e.value("reason", "")];
  }
  f_.set("conv_events", objects);
  if (objects > 0) {
    f_.fail(std::to_string(objects) + " Events on ClusterAgents of a healthy creation (" +
            joinCounts(byReason) + ")");
  }
}

void ProcessRun::execute() {
  bool ok =
      converge() && settle() && idle() && noOpReconcile() && restart() && rotation() && deleteAll();
  (void)ok;
  if (p_) std::cerr << "bench: " << c_.name << " stopped: " << p_->stop() << std::endl;
}

}  // namespace

void runProcessSubject(const ProcessSubjectConfig& config, BenchNamespace& ns,
                       const RunOptions& options, SubjectFigures& figures) {
  ProcessRun run(config, ns, options, figures);
  run.execute();
}

}  // namespace bench
