#include "bench/metrics_snapshot.h"

#include "bench/bench_util.h"
#include "tests/support/operator_process.h"
#include "tests/support/prometheus_text.h"

namespace bench {

double Snapshot::requests() const {
  return testsupport::total(requestsByVerb);
}

double Snapshot::writes() const {
  return writesOf(requestsByVerb);
}

double Snapshot::reconciles() const {
  return testsupport::total(reconcilesByResult);
}

Snapshot scrape(int metricsPort, const MetricNames& names) {
  Snapshot s;
  auto body = testsupport::httpGet(metricsPort, "/metrics");
  if (!body) return s;
  auto samples = testsupport::parsePrometheusText(*body);
  s.requestsByVerb = testsupport::sumBy(samples, names.requests, "verb");
  s.reconcilesByResult = testsupport::sumBy(samples, names.reconciles, "result");
  s.ok = true;
  return s;
}

Snapshot diff(const Snapshot& before, const Snapshot& after) {
  Snapshot d;
  d.requestsByVerb = testsupport::delta(before.requestsByVerb, after.requestsByVerb);
  d.reconcilesByResult = testsupport::delta(before.reconcilesByResult, after.reconcilesByResult);
  d.ok = after.ok;
  return d;
}

}  // namespace bench
