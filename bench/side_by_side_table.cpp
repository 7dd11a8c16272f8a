#include "bench/side_by_side_table.h"

#include <algorithm>
#include <sstream>

#include "bench/report_table.h"

namespace bench {
namespace {

struct RowSpec {
  std::string key;
  std::string label;
  std::string unit;
  int decimals;
  bool ratio;  // show subject/floor
};

std::vector<RowSpec> rowSpecs(int idleSeconds, const std::vector<SubjectFigures>& figures) {
  std::vector<RowSpec> rows = {
      {"converge_s", "start -> all N converged", "s", 2, true},
      {"ca_p50_s", "per CA: start -> converged, p50", "s", 2, true},
      {"ca_p99_s", "per CA: start -> converged, p99", "s", 2, true},
      {"ready_s", "start -> /readyz 200", "s", 2, false},
      {"conv_requests_per_ca", "convergence: requests / CA", "req", 2, true},
      {"conv_writes_per_ca", "convergence: writes / CA", "req", 2, true},
  };
  for (const char* verb : {"GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE"}) {
    const std::string key = std::string("conv_verb_") + verb + "_per_ca";
    bool any = std::any_of(figures.begin(), figures.end(),
                           [&](const SubjectFigures& f) { return f.has(key); });
    if (any) rows.push_back({key, std::string("  ") + verb + " / CA", "req", 2, false});
  }
  std::vector<RowSpec> more = {
      {"conv_request_rate", "convergence: request rate", "req/s", 1, false},
      {"conv_events", "Events on ClusterAgents (must be 0)", "", 0, false},
      {"cpu_converge_s", "CPU to converge", "s", 2, true},
      {"rss_converged_mib", "RSS at convergence", "MiB", 1, false},
      {"rss_peak_mib", "peak RSS (VmHWM)", "MiB", 1, false},
      {"rss_steady_mib", "steady RSS (after idle)", "MiB", 1, false},
      {"threads", "threads", "", 0, false},
      {"settle_s", "settle: until 5 s quiet", "s", 1, false},
      {"settle_writes", "settle: writes", "req", 0, false},
      {"idle_cpu_s", "idle " + std::to_string(idleSeconds) + " s: CPU", "s", 3, false},
      {"idle_requests", "idle: requests", "req", 0, false},
      {"idle_writes", "idle: writes (must be 0)", "req", 0, false},
      {"noop_requests", "no-op reconcile of N: requests", "req", 0, false},
      {"noop_reconciles", "no-op reconcile: reconciles", "", 0, false},
      {"noop_writes", "no-op reconcile: writes (must be 0)", "req", 0, false},
      {"restart_ready_s", "restart, N existing -> /readyz", "s", 2, false},
      {"restart_requests", "restart: requests until quiet", "req", 0, false},
      {"restart_writes", "restart: writes (must be 0)", "req", 0, false},
      {"rotation_s", "10% token rotation -> all rolled", "s", 2, false},
      {"rotation_affected", "rotation: affected Deployments", "", 0, false},
      {"rotation_hash_changed", "rotation: credentials-hash changed", "", 0, false},
      {"rotation_others_touched", "rotation: others touched (must be 0)", "", 0, false},
      {"rotation_writes_per_affected", "rotation: writes / affected CA", "req", 2, false},
      {"delete_s", "delete all N -> gone", "s", 2, false},
      {"floor_writes_done_s", "floor: all writes answered", "s", 2, false},
      {"converge_s_before", "floor: converged, run before subjects", "s", 2, false},
      {"converge_s_after", "floor: converged, run after subjects", "s", 2, false},
      {"floor_drift", "floor: after / before (machine drift)", "", 2, false},
      {"setup_create_s", "setup: create N CAs + Secrets (bench)", "s", 2, false},
      {"quiet_wait_s", "setup: wait for an idle control plane", "s", 1, false},
      {"quiet_cores", "setup: control plane CPU at start", "cores", 2, false},
  };
  rows.insert(rows.end(), more.begin(), more.end());
  return rows;
}

const SubjectFigures* find(const std::vector<SubjectFigures>& figures, const std::string& s) {
  for (const auto& f : figures) {
    if (f.subject == s) return &f;
  }
  return nullptr;
}

std::string cell(const SubjectFigures* f, const RowSpec& r) {
  if (!f || !f->has(r.key)) return "-";
  return formatNumber(f->values.at(r.key), r.decimals);
}

std::string ratio(const SubjectFigures* f, const SubjectFigures* floor, const RowSpec& r) {
  if (!r.ratio || !f || !floor || !f->has(r.key) || !floor->has(r.key)) return "";
  double base = floor->values.at(r.key);
  if (base <= 0) return "";
  return formatNumber(f->values.at(r.key) / base, 2) + "x";
}

}  // namespace

std::string renderSideBySide(const std::vector<SubjectFigures>& figures, int idleSeconds) {
  const SubjectFigures* floor = find(figures, "floor");
  const SubjectFigures* op = find(figures, "operator");
  const SubjectFigures* peer = find(figures, "peer");
  std::vector<std::vector<std::string>> lines;
  lines.push_back({"metric", "unit", "floor", "operator", "peer", "op/floor", "peer/floor"});
  auto status = [](const SubjectFigures* f) { return f ? f->status : std::string("-"); };
  lines.push_back({"status", "", status(floor), status(op), status(peer), "", ""});
  for (const RowSpec& r : rowSpecs(idleSeconds, figures)) {
    std::string a = cell(floor, r), b = cell(op, r), c = cell(peer, r);
    if (a == "-" && b == "-" && c == "-") continue;
    lines.push_back({r.label, r.unit, a, b, c, ratio(op, floor, r), ratio(peer, floor, r)});
  }
  std::vector<size_t> width(7, 0);
  for (const auto& l : lines) {
    for (size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], l[i].size());
  }
  std::ostringstream out;
  int n = figures.empty() ? 0 : figures.front().n;
  std::string limits = figures.empty() ? "" : figures.front().limits;
  out << "N = " << n << ", client limits: "
      << (limits == "off" ? "off (no client-side rate limit for either)"
                          : "each subject's defaults (operator: QPS 20/burst 30 until the API "
                            "server shows APF, then APF's pace; peer: QPS 20/burst 30)")
      << "\n";
  for (size_t li = 0; li < lines.size(); ++li) {
    const auto& l = lines[li];
    for (size_t i = 0; i < l.size(); ++i) {
      std::string fill(width[i] - l[i].size(), ' ');
      out << (i < 2 ? l[i] + fill : fill + l[i]) << (i + 1 < l.size() ? "  " : "");
    }
    out << "\n";
    if (li == 0) {
      size_t total = 0;
      for (size_t w : width) total += w + 2;
      out << std::string(total - 2, '-') << "\n";
    }
  }
  out << "  per CA: from the subject's start (all N exist before it) to the first\n"
         "  status.observedGeneration == metadata.generation a watch sees\n";
  for (const SubjectFigures* f : {floor, op, peer}) {
    if (!f) continue;
    if (!f->note.empty()) out << "  " << f->subject << ": " << f->note << "\n";
    for (const auto& why : f->failures) {
      out << "  " << f->subject << ": FAILED: " << why.substr(0, why.find('\n')) << "\n";
    }
  }
  return out.str();
}

}  // namespace bench
