#include "controller/manager/metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ctrl::manager {
namespace {

TEST(MetricsTest, CounterRendersHelpTypeAndSeriesSortedByLabels) {
  Registry r;
  Counter& c = r.counter("reconcile_total", "Reconciles by result.");
  c.inc({{"result", "success"}, {"controller", "clusteragent"}});
  c.inc({{"result", "error"}, {"controller", "clusteragent"}}, 2);
  c.inc({{"result", "success"}, {"controller", "clusteragent"}});
  EXPECT_EQ(r.render(),
            "# HELP reconcile_total Reconciles by result.\n"
            "# TYPE reconcile_total counter\n"
            "reconcile_total{controller=\"clusteragent\",result=\"error\"} 2\n"
            "reconcile_total{controller=\"clusteragent\",result=\"success\"} 2\n");
  EXPECT_EQ(c.value({{"result", "success"}, {"controller", "clusteragent"}}), 2);
}

TEST(MetricsTest, SameNameReturnsSameMetricAndTypeClashThrows) {
  Registry r;
  Counter& a = r.counter("x_total", "x");
  Counter& b = r.counter("x_total", "ignored");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.gauge("x_total", "x"), std::logic_error);
}

TEST(MetricsTest, GaugeSetAddRemoveAndUnlabeled) {
  Registry r;
  Gauge& g = r.gauge("agents", "Agents by phase.");
  g.set(3);
  g.set({{"phase", "a"}}, 1.5);
  g.add({{"phase", "a"}}, 1);
  g.set({{"phase", "b"}}, 7);
  g.remove({{"phase", "b"}});
  EXPECT_EQ(r.render(),
            "# HELP agents Agents by phase.\n"
            "# TYPE agents gauge\n"
            "agents 3\n"
            "agents{phase=\"a\"} 2.5\n");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.counter("e_total", "line1\nback\\slash").inc({{"v", "a\"b\\c\nd"}});
  EXPECT_EQ(r.render(),
            "# HELP e_total line1\\nback\\\\slash\n"
            "# TYPE e_total counter\n"
            "e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, HistogramRendersCumulativeBucketsSumAndCount) {
  Registry r;
  Histogram& h = r.histogram("latency_seconds", "Latency.", {0.1, 0.5, 1});
  h.observe({{"op", "get"}}, 0.05);
  h.observe({{"op", "get"}}, 0.3);
  h.observe({{"op", "get"}}, 0.3);
  h.observe({{"op", "get"}}, 4);
  EXPECT_EQ(r.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{op=\"get\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{op=\"get\",le=\"0.5\"} 3\n"
            "latency_seconds_bucket{op=\"get\",le=\"1\"} 3\n"
            "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{op=\"get\"} 4.65\n"
            "latency_seconds_count{op=\"get\"} 4\n");
  EXPECT_EQ(h.count({{"op", "get"}}), 4u);
}

TEST(MetricsTest, UnlabeledHistogramHasOnlyLeLabel) {
  Registry r;
  r.histogram("d", "D.", {1}).observe(0.5);
  EXPECT_EQ(r.render(),
            "# HELP d D.\n"
            "# TYPE d histogram\n"
            "d_bucket{le=\"1\"} 1\n"
            "d_bucket{le=\"+Inf\"} 1\n"
            "d_sum 0.5\n"
            "d_count 1\n");
}

TEST(MetricsTest, MetricsRenderInNameOrder) {
  Registry r;
  r.gauge("b", "B.").set(1);
  r.counter("a_total", "A.").inc();
  std::string text = r.render();
  EXPECT_LT(text.find("a_total"), text.find("# HELP b"));
}

TEST(MetricsTest, DefaultBucketsSpanFiveMillisecondsToTenSeconds) {
  auto b = Registry::defaultBuckets();
  EXPECT_EQ(b.front(), 0.005);
  EXPECT_EQ(b.back(), 10);
}

}  // namespace
}  // namespace ctrl::manager
