#include "reconcilers/clusteragent/status_write_memo.h"

#include <gtest/gtest.h>

namespace clusteragent {
namespace {

using nlohmann::json;

json agentAt(const std::string& rv, json status) {
  return json{{"metadata", {{"resourceVersion", rv}}}, {"status", std::move(status)}};
}

TEST(ResourceVersionOlder, ComparesEtcdRevisionsNumerically) {
  EXPECT_TRUE(resourceVersionOlder("99", "100"));
  EXPECT_FALSE(resourceVersionOlder("100", "100"));
  EXPECT_FALSE(resourceVersionOlder("101", "100"));
}

TEST(ResourceVersionOlder, AnythingButADecimalRevisionIsNotOlder) {
  EXPECT_FALSE(resourceVersionOlder("", "100"));
  EXPECT_FALSE(resourceVersionOlder("abc", "100"));
  EXPECT_FALSE(resourceVersionOlder("99", "1x0"));
  EXPECT_FALSE(resourceVersionOlder("-1", "100"));
  EXPECT_FALSE(resourceVersionOlder("1", "123456789012345678901234"));
}

TEST(StatusWriteMemo, WithoutAWriteTheCachedStatusIsTheBasis) {
  StatusWriteMemo memo;
  EXPECT_EQ(memo.basis("ns/a", agentAt("5", {{"phase", "Pending"}})), json({{"phase", "Pending"}}));
  EXPECT_EQ(memo.basis("ns/a", json{{"metadata", json::object()}}), json::object());
}

TEST(StatusWriteMemo, ACacheOlderThanOurWriteIsComparedThroughTheWrite) {
  StatusWriteMemo memo;
  memo.record("ns/a", "10", {{"phase", "Connected"}});
  EXPECT_EQ(memo.basis("ns/a", agentAt("9", {{"phase", "Pending"}})),
            json({{"phase", "Connected"}}));
  EXPECT_EQ(memo.size(), 1u);
  EXPECT_EQ(memo.basis("ns/b", agentAt("9", {{"phase", "Pending"}})), json({{"phase", "Pending"}}))
      << "per ClusterAgent";
}

TEST(StatusWriteMemo, OnceTheCacheCatchesUpItIsTrustedAndTheWriteForgotten) {
  StatusWriteMemo memo;
  memo.record("ns/a", "10", {{"phase", "Connected"}});
  // Someone else's later write wins over ours.
  EXPECT_EQ(memo.basis("ns/a", agentAt("12", {{"phase", "Degraded"}})),
            json({{"phase", "Degraded"}}));
  EXPECT_EQ(memo.size(), 0u);
  EXPECT_EQ(memo.basis("ns/a", agentAt("9", {{"phase", "Pending"}})), json({{"phase", "Pending"}}));
}

TEST(StatusWriteMemo, ForgetDropsTheWrite) {
  StatusWriteMemo memo;
  memo.record("ns/a", "10", {{"phase", "Connected"}});
  memo.forget("ns/a");
  EXPECT_EQ(memo.size(), 0u);
}

}  // namespace
}  // namespace clusteragent
