#include "bench/size_run.h"

#include <algorithm>
#include <iostream>
#include <optional>

#include "bench/bench_namespace.h"
#include "bench/control_plane_quiet.h"
#include "bench/floor_bracket.h"
#include "bench/floor_subject.h"
#include "bench/process_run.h"
#include "bench/report_table.h"
#include "tests/support/control_plane.h"

namespace bench {
namespace {

std::string concurrency(const RunOptions& options) {
  return std::to_string(options.reconcilers) + " concurrent reconciles";
}

ProcessSubjectConfig operatorConfig(const std::string& binary, const std::string& limits,
                                    int reconcilers) {
  ProcessSubjectConfig c;
  c.name = "operator";
  c.binary = binary;
  c.extraArgs = {"--log-format",
                 "json",
                 "--log-level",
                 "info",
                 "--max-concurrent-reconciles",
                 std::to_string(reconcilers)};
  if (limits == "off") {
    c.extraArgs.insert(c.extraArgs.end(), {"--kube-api-throttling=fixed", "--kube-api-qps=0"});
  }
  c.metrics = {"clusteragent_operator_api_requests_total", "clusteragent_reconcile_total"};
  c.managedBy = "clusteragent-operator";
  c.eventsToo = true;
  return c;
}

ProcessSubjectConfig peerConfig(const std::string& binary, const std::string& limits,
                                int reconcilers) {
  ProcessSubjectConfig c;
  c.name = "peer";
  c.binary = binary;
  if (limits == "off") {
    c.extraArgs = {"--qps=-1"};
  } else {
    c.extraArgs = {"--qps", formatNumber(kOperatorQps, 0), "--burst",
                   std::to_string(kOperatorBurst)};
  }
  c.extraArgs.insert(c.extraArgs.end(), {"--max-concurrent-reconciles", std::to_string(reconcilers),
                                         "--managed-by-value", "clusteragent-peer"});
  c.metrics = {"bench_api_requests_total", "controller_runtime_reconcile_total"};
  c.managedBy = "clusteragent-peer";
  return c;
}

// The convergence requests by verb, per ClusterAgent, as values too (the
// table's rows, the JSON's keys).
void perVerbValues(SubjectFigures& f) {
  auto it = f.requestsByVerb.find("convergence");
  if (it == f.requestsByVerb.end() || f.n == 0) return;
  for (const auto& [verb, count] : it->second) f.set("conv_verb_" + verb + "_per_ca", count / f.n);
}

SubjectFigures skipped(const std::string& subject, int n, const std::string& limits,
                       const std::string& why) {
  SubjectFigures f;
  f.subject = subject;
  f.n = n;
  f.limits = limits;
  f.status = "skipped";
  f.note = why;
  std::cerr << "bench: " << subject << " N=" << n << " limits=" << limits << ": not run: " << why
            << std::endl;
  return f;
}

// Every subject starts on a control plane as idle as the others had it
// (control_plane_quiet.h); how long that took is a figure, and a control
// plane that stayed busy is a note beside the subject's times.
void waitForAnIdleControlPlane(SubjectFigures& f) {
  const std::string kubeconfig = testsupport::ControlPlane::instance().adminKubeconfig();
  const std::string pidDir = kubeconfig.substr(0, kubeconfig.rfind('/') + 1) + "pids";
  const QuietWait q = waitControlPlaneQuiet(pidDir);
  if (!q.measured) {
    std::cerr << "bench: control plane not measured: " << q.note << std::endl;
    f.addNote("not waited for an idle control plane: " + q.note);
    return;
  }
  std::cerr << "bench: control plane " << (q.quiet ? "idle" : "NOT idle") << " after "
            << formatNumber(q.seconds, 1) << " s (" << formatNumber(q.cores, 2) << " cores)"
            << std::endl;
  f.set("quiet_wait_s", q.seconds);
  f.set("quiet_cores", q.cores);
  if (!q.quiet) {
    f.addNote("the control plane was still busy (" + formatNumber(q.cores, 2) +
              " cores) when this subject started");
  }
}

// A fresh namespace of N for one subject, then `run` on it.
template <typename Run>
SubjectFigures inNamespace(const std::string& subject, int n, const std::string& limits,
                           Run&& run) {
  SubjectFigures f;
  f.subject = subject;
  f.n = n;
  f.limits = limits;
  auto client = benchClient();
  if (!client) {
    f.fail("no API client (see above)");
    return f;
  }
  std::cerr << "bench: ---- " << subject << ", N=" << n << ", client limits " << limits
            << std::endl;
  BenchNamespace ns(client, n);
  std::string error = ns.create();
  if (!error.empty()) {
    f.fail(error);
    return f;
  }
  f.set("setup_create_s", ns.createSeconds());
  waitForAnIdleControlPlane(f);
  run(ns, f);
  perVerbValues(f);
  return f;
}

}  // namespace

bool SubjectSet::runs(const std::string& subject) const {
  return std::find(only.begin(), only.end(), subject) != only.end();
}

std::vector<SubjectFigures> runSize(int n, const std::string& limits, const SubjectSet& subjects,
                                    const RunOptions& options) {
  std::vector<SubjectFigures> out;
  auto floorRun = [&] {
    return inNamespace("floor", n, limits,
                       [&](BenchNamespace& ns, SubjectFigures& f) { runFloor(ns, options, f); });
  };
  std::optional<SubjectFigures> floorBefore;
  if (subjects.runs("floor")) {
    floorBefore = floorRun();
    out.push_back(*floorBefore);
  } else {
    out.push_back(skipped("floor", n, limits, "not in BENCH_SUBJECTS"));
  }
  if (!subjects.runs("operator")) {
    out.push_back(skipped("operator", n, limits, "not in BENCH_SUBJECTS"));
  } else {
    out.push_back(inNamespace("operator", n, limits, [&](BenchNamespace& ns, SubjectFigures& f) {
      runProcessSubject(operatorConfig(subjects.operatorBinary, limits, options.reconcilers), ns,
                        options, f);
      f.addNote((limits == "off" ? "--kube-api-throttling=fixed --kube-api-qps=0, "
                                 : "defaults: APF-following, from QPS 20/burst 30; ") +
                concurrency(options));
    }));
  }
  if (!subjects.runs("peer")) {
    out.push_back(skipped("peer", n, limits, "not in BENCH_SUBJECTS"));
  } else if (subjects.peer.path.empty()) {
    out.push_back(skipped("peer", n, limits, "not built (" + subjects.peer.reason + ")"));
  } else {
    out.push_back(inNamespace("peer", n, limits, [&](BenchNamespace& ns, SubjectFigures& f) {
      ProcessSubjectConfig c = peerConfig(subjects.peer.path, limits, options.reconcilers);
      runProcessSubject(c, ns, options, f);
      f.addNote((limits == "off" ? "--qps=-1, " : "--qps 20 --burst 30, ") + concurrency(options));
    }));
  }
  // The machine is shared and its speed drifts over the minutes a pass
  // takes, beyond what the idle-start wait evens out. The floor runs again
  // after the subjects, and the ratios divide by the mean of the two, so a
  // slower second half does not pass as the operator's cost; the drift
  // itself is shown.
  if (floorBefore && floorBefore->status == "measured") {
    out.front() = bracketFloor(*floorBefore, floorRun());
  }
  return out;
}

}  // namespace bench
