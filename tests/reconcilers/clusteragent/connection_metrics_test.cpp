#include "reconcilers/clusteragent/connection_metrics.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

using ctrl::manager::Labels;

TEST(ConnectionMetricsTest, SetsSeriesAndRemovesThemOnForget) {
  ctrl::manager::Registry registry;
  ConnectionMetrics m(registry);
  ConnectionSample s{"argocd", "aro", "aro-prod",
                     true,     false, std::chrono::system_clock::from_time_t(1'900'000'000)};
  m.record(s);
  const Labels l{{"namespace", "argocd"}, {"name", "aro"}, {"cluster", "aro-prod"}};
  std::string text = registry.render();
  const std::string series = "{cluster=\"aro-prod\",name=\"aro\",namespace=\"argocd\"}";
  EXPECT_NE(text.find("clusteragent_connected" + series + " 1"), std::string::npos) << text;
  EXPECT_NE(text.find("clusteragent_server_reachable" + series + " 0"), std::string::npos) << text;
  EXPECT_EQ(registry.gauge(kCertificateExpiryMetric, "").value(l), 1.9e9);

  m.forget("argocd", "aro");
  text = registry.render();
  EXPECT_EQ(text.find("name=\"aro\""), std::string::npos) << text;
}

TEST(ConnectionMetricsTest, UnknownValuesHaveNoSeries) {
  ctrl::manager::Registry registry;
  ConnectionMetrics m(registry);
  m.record({"ns", "a", "c", std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(registry.render().find("name=\"a\""), std::string::npos);
  m.record({"ns", "a", "c", false, true, std::nullopt});
  m.record({"ns", "a", "c", false, std::nullopt, std::nullopt});  // probe target changed
  const std::string text = registry.render();
  EXPECT_NE(text.find("clusteragent_connected{cluster=\"c\",name=\"a\",namespace=\"ns\"} 0"),
            std::string::npos);
  EXPECT_EQ(text.find("clusteragent_server_reachable{cluster"), std::string::npos) << text;
}

TEST(ConnectionMetricsTest, RenamedClusterDropsTheOldSeries) {
  ctrl::manager::Registry registry;
  ConnectionMetrics m(registry);
  m.record({"ns", "a", "old", true, true, std::nullopt});
  m.record({"ns", "a", "new", true, true, std::nullopt});
  const std::string text = registry.render();
  EXPECT_EQ(text.find("cluster=\"old\""), std::string::npos) << text;
  EXPECT_NE(text.find("cluster=\"new\""), std::string::npos);
}

}  // namespace
}  // namespace clusteragent
