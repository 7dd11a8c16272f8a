#include "tests/kubelet/node_agent.h"

#include <gtest/gtest.h>

#include "controller/conditions/conditions.h"

namespace processkubelet {
namespace {

using std::chrono::seconds;

TEST(BuildNodeTest, ReadyWithAFreshHeartbeatAndAStableTransitionTime) {
  NodeAgentOptions opts;
  opts.nodeName = "n1";
  const auto since = std::chrono::system_clock::time_point(seconds(1'800'000'000));
  auto node = buildNode(opts, since + seconds(60), since);
  EXPECT_EQ(node["metadata"]["name"], "n1");
  EXPECT_EQ(node["metadata"]["labels"]["kubernetes.io/hostname"], "n1");
  const auto& status = node["status"];
  const nlohmann::json* ready = ctrl::conditions::findCondition(status["conditions"], "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ((*ready)["status"], "True");
  EXPECT_EQ((*ready)["lastHeartbeatTime"], "2027-01-15T08:01:00Z");
  EXPECT_EQ((*ready)["lastTransitionTime"], "2027-01-15T08:00:00Z");
  EXPECT_TRUE(ctrl::conditions::isStatus(status["conditions"], "MemoryPressure", "False"));
  EXPECT_EQ(status["addresses"][0]["address"], "127.0.0.1");
  EXPECT_EQ(status["addresses"].size(), 1u) << "the API server would try an unresolvable Hostname";
  EXPECT_EQ(status["allocatable"]["pods"], "110");
  EXPECT_EQ(status["daemonEndpoints"]["kubeletEndpoint"]["Port"], 0);
  opts.kubeletPort = 23456;
  EXPECT_EQ(buildNode(opts, since, since)["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"],
            23456);
}

}  // namespace
}  // namespace processkubelet
