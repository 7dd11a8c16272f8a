#include "controller/kube/fenced_kube_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/mocks/kube/mock_kube_client.h"

namespace ctrl::kube {
namespace {

using ::testing::_;
using ::testing::Return;

class FencedKubeClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<::testing::StrictMock<MockKubeClient>> inner_ =
      std::make_shared<::testing::StrictMock<MockKubeClient>>();
  std::atomic<bool> allowed_{true};
  FencedKubeClient client_{inner_, [this] { return allowed_.load(); }};
  const json cm_ = {{"metadata", {{"name", "x"}}}};
};

TEST_F(FencedKubeClientTest, WritesPassWhileTheFenceIsOpen) {
  EXPECT_CALL(*inner_, create(_, "ns", _, "mgr")).WillOnce(Return(StatusOr<json>(cm_)));
  EXPECT_CALL(*inner_, patch(_, "ns", "x", PatchType::kMerge, _, _))
      .WillOnce(Return(StatusOr<json>(cm_)));
  EXPECT_TRUE(client_.create(resources::kConfigMaps, "ns", cm_, "mgr").isOk());
  EXPECT_TRUE(
      client_.patch(resources::kConfigMaps, "ns", "x", PatchType::kMerge, json::object()).isOk());
}

TEST_F(FencedKubeClientTest, WritesAreNotSentOnceTheFenceCloses) {
  allowed_ = false;
  // StrictMock: any call reaching the inner client fails the test.
  auto created = client_.create(resources::kConfigMaps, "ns", cm_);
  auto updated = client_.update(resources::kConfigMaps, "ns", cm_);
  auto patched = client_.patch(resources::kConfigMaps, "ns", "x", PatchType::kApply, cm_);
  auto removed = client_.remove(resources::kConfigMaps, "ns", "x");
  EXPECT_EQ(created.status().code(), Code::kCancelled);
  EXPECT_EQ(updated.status().code(), Code::kCancelled);
  EXPECT_EQ(patched.status().code(), Code::kCancelled);
  EXPECT_EQ(removed.code(), Code::kCancelled);
  EXPECT_EQ(patched.status().message(),
            "PATCH configmaps ns/x: not sent, this replica no longer leads");
}

TEST_F(FencedKubeClientTest, ReadsAndShutdownPassWhateverTheFence) {
  allowed_ = false;
  EXPECT_CALL(*inner_, get(_, "ns", "x", "")).WillOnce(Return(StatusOr<json>(cm_)));
  EXPECT_CALL(*inner_, list(_, "ns", _)).WillOnce(Return(StatusOr<json>(json::object())));
  EXPECT_CALL(*inner_, podLogs("ns", "p", _)).WillOnce(Return(StatusOr<std::string>("line")));
  EXPECT_CALL(*inner_, shutdown());
  EXPECT_TRUE(client_.get(resources::kConfigMaps, "ns", "x").isOk());
  EXPECT_TRUE(client_.list(resources::kConfigMaps, "ns").isOk());
  EXPECT_TRUE(client_.podLogs("ns", "p").isOk());
  client_.shutdown();
}

}  // namespace
}  // namespace ctrl::kube
