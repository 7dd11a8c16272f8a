#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/kube/kube_client.h"
#include "tests/mocks/kube/mock_kube_client.h"

namespace ctrl::kube {
namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::Return;
using ::testing::StrictMock;

json page(std::vector<std::string> names, const std::string& cont, const std::string& rv) {
  json items = json::array();
  for (const auto& n : names) items.push_back({{"metadata", {{"name", n}}}});
  json md = {{"resourceVersion", rv}};
  if (!cont.empty()) {
    md["continue"] = cont;
    md["remainingItemCount"] = 1;
  }
  return {{"kind", "ConfigMapList"}, {"apiVersion", "v1"}, {"metadata", md}, {"items", items}};
}

TEST(ListAllTest, FollowsContinueAndKeepsFirstResourceVersion) {
  StrictMock<MockKubeClient> client;
  EXPECT_CALL(client,
              list(_, "ns",
                   AllOf(Field(&ListOptions::continueToken, ""), Field(&ListOptions::limit, 500),
                         Field(&ListOptions::labelSelector, "a=b"),
                         Field(&ListOptions::resourceVersion, "0"))))
      .WillOnce(Return(StatusOr<json>(page({"a", "b"}, "c1", "10"))));
  EXPECT_CALL(client, list(_, "ns",
                           AllOf(Field(&ListOptions::continueToken, "c1"),
                                 Field(&ListOptions::labelSelector, "a=b"),
                                 Field(&ListOptions::resourceVersion, ""))))
      .WillOnce(Return(StatusOr<json>(page({"c"}, "", "10"))));
  ListOptions opts;
  opts.labelSelector = "a=b";
  opts.resourceVersion = "0";
  auto all = listAll(client, resources::kConfigMaps, "ns", opts);
  ASSERT_TRUE(all.isOk()) << all.status().toString();
  ASSERT_EQ(all->at("items").size(), 3u);
  EXPECT_EQ(all->at("items")[2]["metadata"]["name"], "c");
  EXPECT_EQ(all->at("metadata")["resourceVersion"], "10");
  EXPECT_FALSE(all->at("metadata").contains("continue"));
  EXPECT_EQ(all->at("kind"), "ConfigMapList");
}

TEST(ListAllTest, PropagatesExpiredContinueAsGone) {
  StrictMock<MockKubeClient> client;
  EXPECT_CALL(client, list(_, _, _))
      .WillOnce(Return(StatusOr<json>(page({"a"}, "c1", "10"))))
      .WillOnce(Return(StatusOr<json>(Status(Code::kGone, "continue too old"))));
  auto all = listAll(client, resources::kConfigMaps, "", {});
  EXPECT_TRUE(isGone(all.status()));
}

TEST(ListAllTest, EmptyList) {
  StrictMock<MockKubeClient> client;
  EXPECT_CALL(client, list(_, _, _)).WillOnce(Return(StatusOr<json>(page({}, "", "7"))));
  auto all = listAll(client, resources::kConfigMaps, "", {});
  ASSERT_TRUE(all.isOk());
  EXPECT_TRUE(all->at("items").empty());
}

}  // namespace
}  // namespace ctrl::kube
