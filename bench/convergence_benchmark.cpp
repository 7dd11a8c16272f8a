#include "bench/convergence_benchmark.h"

#include <unistd.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include "bench/sample_objects.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "reconcilers/clusteragent/ownership.h"
#include "tests/support/control_plane.h"
#include "tests/support/operator_process.h"
#include "tests/support/prometheus_text.h"

namespace bench {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
namespace res = ctrl::kube::resources;
using ctrl::kube::KubeClient;
using testsupport::delta;
using testsupport::fileTail;
using testsupport::freeLoopbackPort;
using testsupport::helpText;
using testsupport::httpGet;
using testsupport::OperatorProcess;
using testsupport::parsePrometheusText;
using testsupport::sumBy;
using testsupport::total;

const char* const kSection = "cluster";
const char* const kRequestMetrics[] = {"clusteragent_operator_api_requests_total",
                                       "rest_client_requests_total"};
const char* const kReconcileMetric = "clusteragent_reconcile_total";
const char* const kApplyMetric = "clusteragent_child_apply_total";

bool isWrite(const std::string& verb) {
  return verb == "POST" || verb == "PUT" || verb == "PATCH" || verb == "DELETE";
}

std::string randomSuffix() {
  std::random_device rd;
  std::mt19937 gen(rd());
  const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 6; ++i) s += hex[gen() % 16];
  return s;
}

double seconds(SteadyClock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// What /metrics said at one moment, reduced to what the benchmark compares.
struct Snapshot {
  std::map<std::string, double> requestsByVerb;
  std::map<std::string, double> reconcilesByResult;
  std::map<std::string, double> appliesByOutcome;
  bool ok = false;

  double requests() const { return total(requestsByVerb); }
  double writes() const {
    double w = 0;
    for (const auto& [verb, n] : requestsByVerb) {
      if (isWrite(verb)) w += n;
    }
    return w;
  }
  double reconciles() const { return total(reconcilesByResult); }
};

Snapshot scrape(int metricsPort) {
  Snapshot s;
  auto body = httpGet(metricsPort, "/metrics");
  if (!body) return s;
  auto samples = parsePrometheusText(*body);
  for (const char* name : kRequestMetrics) {
    auto byVerb = sumBy(samples, name, "verb");
    if (byVerb.size() == 1 && byVerb.count("")) byVerb = sumBy(samples, name, "method");
    if (!byVerb.empty()) {
      s.requestsByVerb = byVerb;
      break;
    }
  }
  s.reconcilesByResult = sumBy(samples, kReconcileMetric, "result");
  s.appliesByOutcome = sumBy(samples, kApplyMetric, "outcome");
  s.ok = true;
  return s;
}

struct Delta {
  std::map<std::string, double> requestsByVerb;
  std::map<std::string, double> reconcilesByResult;
  std::map<std::string, double> appliesByOutcome;
  double requests() const { return total(requestsByVerb); }
  double writes() const {
    double w = 0;
    for (const auto& [verb, n] : requestsByVerb) {
      if (isWrite(verb)) w += n;
    }
    return w;
  }
  double reconciles() const { return total(reconcilesByResult); }
};

Delta diff(const Snapshot& a, const Snapshot& b) {
  return {delta(a.requestsByVerb, b.requestsByVerb),
          delta(a.reconcilesByResult, b.reconcilesByResult),
          delta(a.appliesByOutcome, b.appliesByOutcome)};
}

std::string joinCounts(const std::map<std::string, double>& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    if (v == 0) continue;
    if (!out.empty()) out += " ";
    out += (k.empty() ? "-" : k) + "=" + formatNumber(v, 0);
  }
  return out.empty() ? "none" : out;
}

void reportPhase(ReportTable& t, const std::string& phase, const Delta& d, int n) {
  t.addNumber(kSection, phase + ": API requests", d.requests(), "req", joinCounts(d.requestsByVerb),
              0);
  t.addNumber(kSection, phase + ": API writes", d.writes(), "req", "POST+PUT+PATCH+DELETE", 0);
  t.addNumber(kSection, phase + ": requests per ClusterAgent", d.requests() / n, "req/CA", "", 2);
  t.addNumber(kSection, phase + ": writes per ClusterAgent", d.writes() / n, "req/CA", "", 2);
  t.addNumber(kSection, phase + ": reconciles", d.reconciles(), "",
              joinCounts(d.reconcilesByResult), 0);
  if (!d.appliesByOutcome.empty()) {
    t.addNumber(kSection, phase + ": child applies", total(d.appliesByOutcome), "",
                joinCounts(d.appliesByOutcome), 0);
  }
}

// Waits until nothing happened (no request, no reconcile) for `quiet`, up to
// `cap`; returns the last snapshot. Resyncs and requeues may keep a trickle of
// reads going, so only writes and reconciles count as activity.
Snapshot waitQuiet(int port, std::chrono::seconds quiet, std::chrono::seconds cap,
                   const std::function<bool(const Snapshot&)>& done = nullptr) {
  auto end = SteadyClock::now() + cap;
  Snapshot last = scrape(port);
  auto lastChange = SteadyClock::now();
  while (SteadyClock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Snapshot s = scrape(port);
    if (!s.ok) continue;
    if (s.writes() != last.writes() || s.reconciles() != last.reconciles()) {
      lastChange = SteadyClock::now();
    }
    last = s;
    if ((!done || done(s)) && SteadyClock::now() - lastChange >= quiet) break;
  }
  return last;
}

struct ConvergenceState {
  int converged = 0;    // status.observedGeneration == metadata.generation
  int deployments = 0;  // managed Deployments in the namespace
};

ConvergenceState observe(KubeClient& client, const std::string& ns) {
  ConvergenceState st;
  auto cas = ctrl::kube::listAll(client, clusteragent::kClusterAgents, ns);
  if (cas.isOk()) {
    for (const auto& ca : (*cas)["items"]) {
      const json& g = ca["metadata"]["generation"];
      const json* og = ca.contains("status") ? &ca["status"] : nullptr;
      if (og && og->contains("observedGeneration") && (*og)["observedGeneration"] == g)
        ++st.converged;
    }
  }
  ctrl::kube::ListOptions lo;
  lo.labelSelector = clusteragent::kManagedBySelector;
  auto deps = ctrl::kube::listAll(client, res::kDeployments, ns, lo);
  if (deps.isOk()) st.deployments = static_cast<int>((*deps)["items"].size());
  return st;
}

void loud(const std::string& message) {
  std::cerr << "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            << "bench: FAILURE: " << message
            << "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            << std::endl;
}

// Removes what the run created. The operator may be gone (failure path), so
// finalizers are dropped first or the namespace would hang in Terminating.
void cleanUp(KubeClient& client, const std::string& ns) {
  auto cas = ctrl::kube::listAll(client, clusteragent::kClusterAgents, ns);
  if (cas.isOk()) {
    for (const auto& ca : (*cas)["items"]) {
      const std::string name = ca["metadata"]["name"];
      (void)client.patch(clusteragent::kClusterAgents, ns, name, ctrl::kube::PatchType::kMerge,
                         {{"metadata", {{"finalizers", nullptr}}}});
    }
  }
  auto s = client.remove(res::kNamespaces, "", ns);
  std::cerr << "bench: namespace " << ns << " deleted"
            << (s.isOk() ? "" : std::string(" (failed: ") + s.toString() + ")") << std::endl;
}

class Run {
 public:
  Run(const ConvergenceOptions& o, ReportTable& t) : o_(o), t_(t) {}
  ConvergenceOutcome execute();

 private:
  bool setUp();
  bool createObjects();
  bool startOperator();
  bool converge();
  bool settle();
  bool steadyState();
  bool forcedNoOpReconcile();
  bool deleteAll();
  void reportUsage(const std::string& when);
  void reportEvents();

  const ConvergenceOptions& o_;
  ReportTable& t_;
  std::shared_ptr<KubeClient> client_;
  std::string ns_;
  std::string log_path_;
  int metrics_port_ = -1;
  std::unique_ptr<OperatorProcess> op_;
  Snapshot snap_;
};

bool Run::setUp() {
  const testsupport::ControlPlane& cp = testsupport::ControlPlane::instance();
  auto crd = cp.kubectl(
      {"apply", "--server-side", "-f", cp.repoRoot() + "/crds/clusteragents.argoproj.io.yaml"});
  auto established = cp.kubectl(
      {"wait", "--for=condition=Established", "--timeout=60s", "crd/clusteragents.argoproj.io"});
  if (!crd.ok() || !established.ok()) {
    loud("cannot install the ClusterAgent CRD: " + crd.output + established.output);
    return false;
  }
  auto config = ctrl::kube::loadKubeconfigFile(cp.adminKubeconfig());
  if (!config.isOk()) {
    loud("admin kubeconfig: " + config.status().toString());
    return false;
  }
  ctrl::kube::KubeClientOptions co;
  co.qps = 200;  // the benchmark's own setup should not be what is measured
  co.burst = 400;
  co.userAgent = "clusteragent-bench";
  auto client = ctrl::kube::CpprestKubeClient::create(*config, co);
  if (!client.isOk()) {
    loud("client: " + client.status().toString());
    return false;
  }
  client_ = *client;
  ns_ = "bench-" + randomSuffix();
  json nsObj = {
      {"apiVersion", "v1"},
      {"kind", "Namespace"},
      {"metadata",
       {{"name", ns_}, {"labels", {{"pod-security.kubernetes.io/enforce", "restricted"}}}}}};
  auto created = client_->create(res::kNamespaces, "", nsObj);
  if (!created.isOk()) {
    loud("create namespace: " + created.status().toString());
    return false;
  }
  t_.add(kSection, "namespace", ns_, "", "ClusterAgents: " + std::to_string(o_.count));
  return true;
}

bool Run::createObjects() {
  auto start = SteadyClock::now();
  for (const auto& secret : sampleDefaultTlsSecrets(ns_)) {
    auto created = client_->create(res::kSecrets, ns_, secret);
    if (!created.isOk()) {
      loud("create the default TLS Secrets: " + created.status().toString());
      return false;
    }
  }
  for (int i = 0; i < o_.count; ++i) {
    const std::string name = "agent-" + std::to_string(i);
    auto s = client_->create(res::kSecrets, ns_, sampleTokenSecret(ns_, name));
    json ca = sampleClusterAgent(ns_, name);
    ca["metadata"].erase("uid");
    ca["metadata"].erase("generation");
    auto c = s.isOk() ? client_->create(clusteragent::kClusterAgents, ns_, ca) : s;
    if (!c.isOk()) {
      loud("create " + ns_ + "/" + name + ": " + c.status().toString());
      return false;
    }
  }
  t_.addNumber(kSection, "create N ClusterAgents + Secrets (bench client)",
               seconds(SteadyClock::now() - start), "s", "", 2);
  return true;
}

bool Run::startOperator() {
  const auto& cp = testsupport::ControlPlane::instance();
  metrics_port_ = freeLoopbackPort();
  int health = freeLoopbackPort();
  log_path_ = o_.logDir + "/operator.log";
  op_ = std::make_unique<OperatorProcess>(
      o_.operatorBinary,
      std::vector<std::string>{
          "--kubeconfig", cp.adminKubeconfig(), "--namespace", ns_, "--metrics-bind-address",
          "127.0.0.1:" + std::to_string(metrics_port_), "--health-probe-bind-address",
          "127.0.0.1:" + std::to_string(health), "--log-format", "json", "--log-level", "info"},
      log_path_);
  std::string error;
  if (!op_->start(&error)) {
    loud(error);
    return false;
  }
  std::cerr << "bench: operator pid " << op_->pid() << ", log " << log_path_ << std::endl;
  return true;
}

bool Run::converge() {
  auto start = SteadyClock::now();
  // Generous: a loaded 2-core machine, client-side QPS limits, N objects.
  auto bound = std::chrono::seconds(120 + 3 * o_.count);
  ConvergenceState st;
  double firstMetricsAt = -1;
  while (true) {
    if (!op_->running()) {
      loud("the operator exited during convergence; log tail:\n" + fileTail(log_path_, 30));
      return false;
    }
    if (firstMetricsAt < 0 && scrape(metrics_port_).ok) {
      firstMetricsAt = seconds(SteadyClock::now() - start);
    }
    st = observe(*client_, ns_);
    if (st.converged == o_.count && st.deployments == o_.count) break;
    if (SteadyClock::now() - start > bound) {
      loud("no convergence within " + std::to_string(bound.count()) +
           " s: " + std::to_string(st.converged) + "/" + std::to_string(o_.count) + " observed, " +
           std::to_string(st.deployments) + " Deployments; log tail:\n" + fileTail(log_path_, 30));
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  double took = seconds(SteadyClock::now() - start);
  snap_ = scrape(metrics_port_);
  if (!snap_.ok) {
    loud("cannot scrape /metrics on 127.0.0.1:" + std::to_string(metrics_port_));
    return false;
  }
  if (snap_.requestsByVerb.empty()) {
    loud(
        "/metrics has no API request counter (looked for clusteragent_operator_api_requests_total"
        " and rest_client_requests_total)");
    return false;
  }
  t_.addNumber(kSection, "operator start -> /metrics up", firstMetricsAt, "s", "", 2);
  t_.addNumber(kSection, "operator start -> converged", took, "s",
               "all N: Deployment + observedGeneration == generation", 2);
  t_.addNumber(kSection, "converged ClusterAgents per second", o_.count / took, "CA/s", "", 2);
  reportPhase(t_, "convergence", diff(Snapshot{{}, {}, {}, true}, snap_), o_.count);
  reportEvents();
  Delta conv = diff(Snapshot{{}, {}, {}, true}, snap_);
  t_.addNumber(kSection, "convergence: API request rate", conv.requests() / took, "req/s",
               "the operator's client limit is QPS 20 / burst 30: near 20 = rate-limited", 1);
  reportUsage("at convergence");
  return true;
}

bool Run::settle() {
  // After convergence the deployment controller still writes Deployment
  // status (ReplicaSets, Pods) and each change wakes the owner once more.
  auto start = SteadyClock::now();
  Snapshot s =
      waitQuiet(metrics_port_, std::chrono::seconds(5), std::chrono::seconds(60 + o_.count));
  Delta d = diff(snap_, s);
  t_.addNumber(kSection, "settle: time to quiet (5 s without reconcile/write)",
               seconds(SteadyClock::now() - start), "s", "", 1);
  t_.addNumber(kSection, "settle: API writes", d.writes(), "req",
               joinCounts(d.requestsByVerb) + "; status catching up with child status", 0);
  t_.addNumber(kSection, "settle: reconciles", d.reconciles(), "", joinCounts(d.reconcilesByResult),
               0);
  snap_ = s;
  return true;
}

bool Run::steadyState() {
  auto before = op_->usage();
  std::this_thread::sleep_for(o_.steadyWindow);
  if (!op_->running()) {
    loud("the operator exited during the steady-state window; log tail:\n" +
         fileTail(log_path_, 30));
    return false;
  }
  Snapshot s = scrape(metrics_port_);
  auto after = op_->usage();
  Delta d = diff(snap_, s);
  snap_ = s;
  const std::string phase = "steady " + std::to_string(o_.steadyWindow.count()) + " s";
  t_.addNumber(kSection, phase + ": API requests", d.requests(), "req",
               joinCounts(d.requestsByVerb), 0);
  t_.addNumber(kSection, phase + ": API writes (must be 0)", d.writes(), "req", "", 0);
  t_.addNumber(kSection, phase + ": reconciles", d.reconciles(), "",
               joinCounts(d.reconcilesByResult), 0);
  if (before && after) {
    t_.addNumber(kSection, phase + ": operator CPU",
                 (after->cpuSeconds - before->cpuSeconds) * 1000, "ms", "", 0);
  }
  if (d.writes() > 0) {
    loud(formatNumber(d.writes(), 0) + " API writes while nothing changed (" +
         joinCounts(d.requestsByVerb) + "): the operator churns objects or status");
    return false;
  }
  return true;
}

bool Run::forcedNoOpReconcile() {
  // An annotation on the ClusterAgent changes nothing it owns (generation
  // stays): every ClusterAgent is reconciled once and must write nothing.
  Snapshot before = scrape(metrics_port_);
  auto start = SteadyClock::now();
  for (int i = 0; i < o_.count; ++i) {
    const std::string name = "agent-" + std::to_string(i);
    json patch = {
        {"metadata", {{"annotations", {{"bench.clusteragent.io/touched", std::to_string(i)}}}}}};
    auto r = client_->patch(clusteragent::kClusterAgents, ns_, name, ctrl::kube::PatchType::kMerge,
                            patch);
    if (!r.isOk()) {
      loud("annotate " + ns_ + "/" + name + ": " + r.status().toString());
      return false;
    }
  }
  const double wanted = before.reconciles() + o_.count;
  const bool haveReconcileMetric = !before.reconcilesByResult.empty();
  Snapshot s = waitQuiet(
      metrics_port_, std::chrono::seconds(3), std::chrono::seconds(60 + o_.count),
      [&](const Snapshot& x) { return !haveReconcileMetric || x.reconciles() >= wanted; });
  Delta d = diff(before, s);
  snap_ = s;
  t_.addNumber(kSection, "no-op reconcile of all N: time", seconds(SteadyClock::now() - start), "s",
               "annotate each CA, wait for N reconciles + 3 s quiet", 1);
  t_.addNumber(kSection, "no-op reconcile: API requests", d.requests(), "req",
               joinCounts(d.requestsByVerb), 0);
  t_.addNumber(kSection, "no-op reconcile: API writes (must be 0)", d.writes(), "req", "", 0);
  t_.addNumber(kSection, "no-op reconcile: reconciles", d.reconciles(), "",
               joinCounts(d.reconcilesByResult), 0);
  if (d.reconciles() > 0) {
    t_.addNumber(kSection, "no-op reconcile: requests per reconcile", d.requests() / d.reconciles(),
                 "req", "0 = served from the cache", 2);
  }
  if (d.writes() > 0) {
    loud(formatNumber(d.writes(), 0) + " API writes from reconciles that had nothing to change (" +
         joinCounts(d.requestsByVerb) + ")");
    return false;
  }
  return true;
}

bool Run::deleteAll() {
  Snapshot before = scrape(metrics_port_);
  auto start = SteadyClock::now();
  for (int i = 0; i < o_.count; ++i) {
    (void)client_->remove(clusteragent::kClusterAgents, ns_, "agent-" + std::to_string(i));
  }
  auto bound = std::chrono::seconds(120 + o_.count);
  size_t left = 0;
  while (true) {
    auto cas = ctrl::kube::listAll(*client_, clusteragent::kClusterAgents, ns_);
    left = cas.isOk() ? (*cas)["items"].size() : static_cast<size_t>(o_.count);
    if (left == 0) break;
    if (SteadyClock::now() - start > bound) {
      loud(std::to_string(left) + " ClusterAgents still present " + std::to_string(bound.count()) +
           " s after deletion (finalizer not removed?)");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  double took = seconds(SteadyClock::now() - start);
  Snapshot s = waitQuiet(metrics_port_, std::chrono::seconds(3), std::chrono::seconds(30));
  Delta d = diff(before, s);
  t_.addNumber(kSection, "delete all N: time until gone", took, "s", "", 2);
  t_.addNumber(kSection, "delete: API requests", d.requests(), "req", joinCounts(d.requestsByVerb),
               0);
  t_.addNumber(kSection, "delete: writes per ClusterAgent", d.writes() / o_.count, "req/CA", "", 2);
  return true;
}

// Each Event the operator records is a POST (or a PATCH when aggregated):
// counted here so the write figures can be read.
void Run::reportEvents() {
  auto events = ctrl::kube::listAll(*client_, res::kEvents, ns_);
  if (!events.isOk()) return;
  int objects = 0, occurrences = 0;
  std::map<std::string, double> byReason;
  for (const auto& e : (*events)["items"]) {
    if (e.value("/involvedObject/kind"_json_pointer, "") != "ClusterAgent") continue;
    ++objects;
    occurrences += e.value("count", 1);
    byReason[e.value("reason", "")] += 1;
  }
  t_.addNumber(kSection, "Events on ClusterAgents (objects)", objects, "",
               std::to_string(occurrences) + " occurrences; " + joinCounts(byReason), 0);
}

void Run::reportUsage(const std::string& when) {
  auto u = op_->usage();
  if (!u) return;
  t_.addNumber(
      kSection, "operator RSS " + when, u->rssMiB, "MiB",
      "peak " + formatNumber(u->peakRssMiB, 1) + " MiB, " + std::to_string(u->threads) + " threads",
      1);
  t_.addNumber(kSection, "operator CPU " + when, u->cpuSeconds, "s", "user+system since start", 2);
}

ConvergenceOutcome Run::execute() {
  if (!setUp()) return ConvergenceOutcome::kFailed;
  bool ok = createObjects() && startOperator() && converge() && settle() && steadyState();
  if (ok) {
    reportUsage("after steady state");
    t_.addNumber(kSection, "operator RSS per ClusterAgent",
                 op_->usage() ? op_->usage()->rssMiB * 1024 / o_.count : 0, "KiB/CA",
                 "whole process / N: an upper bound, includes the fixed base", 0);
    ok = forcedNoOpReconcile() && deleteAll();
  }
  if (op_) {
    std::string how = op_->stop();
    std::cerr << "bench: operator stopped: " << how << std::endl;
  }
  cleanUp(*client_, ns_);
  return ok ? ConvergenceOutcome::kMeasured : ConvergenceOutcome::kFailed;
}

}  // namespace

ConvergenceOutcome runConvergenceBenchmark(const ConvergenceOptions& options, ReportTable& table) {
  if (access(options.operatorBinary.c_str(), X_OK) != 0) {
    table.add(kSection, "convergence", "SKIPPED", "",
              "no operator binary at " + options.operatorBinary);
    return ConvergenceOutcome::kSkipped;
  }
  if (helpText(options.operatorBinary).find("--metrics-bind-address") == std::string::npos) {
    table.add(kSection, "convergence", "SKIPPED", "",
              "operator binary has no --metrics-bind-address (reconciler/main not merged yet)");
    return ConvergenceOutcome::kSkipped;
  }
  Run run(options, table);
  return run.execute();
}

}  // namespace bench
