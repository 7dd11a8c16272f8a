#pragma once
// A controller process's /metrics at one moment, reduced to what the
// benchmark compares: API requests by verb and reconciles by result, read
// from the counters the subject names (the operator's and the peer's differ).

#include <map>
#include <string>

namespace bench {

struct MetricNames {
  std::string requests;    // counter with a `verb` label
  std::string reconciles;  // counter with a `result` label
};

struct Snapshot {
  std::map<std::string, double> requestsByVerb;
  std::map<std::string, double> reconcilesByResult;
  bool ok = false;

  double requests() const;
  double writes() const;
  double reconciles() const;
};

Snapshot scrape(int metricsPort, const MetricNames& names);
// after - before (before may be a default Snapshot: a fresh process).
Snapshot diff(const Snapshot& before, const Snapshot& after);

}  // namespace bench
