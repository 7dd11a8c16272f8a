#include "tests/kubelet/image_map.h"

#include <gtest/gtest.h>

namespace processkubelet {
namespace {

TEST(ImageMapTest, ParsesFlagValues) {
  ImageMap m;
  ASSERT_TRUE(m.add("quay.io/argoprojlabs/argocd-agent:v0.9.0=/opt/agent").isOk());
  EXPECT_EQ(m.binaryFor("quay.io/argoprojlabs/argocd-agent:v0.9.0"), "/opt/agent");
  EXPECT_FALSE(m.add("no-binary").isOk());
  EXPECT_FALSE(m.add("image=").isOk());
  EXPECT_FALSE(m.add("=/bin/x").isOk());
}

TEST(ImageMapTest, ExactBeatsPrefixAndLongestPrefixWins) {
  ImageMap m;
  m.add(ImageMapping{"quay.io/*", "/short"});
  m.add(ImageMapping{"quay.io/argoprojlabs/argocd-agent:*", "/long"});
  m.add(ImageMapping{"quay.io/argoprojlabs/argocd-agent:v0.9.0", "/exact"});
  EXPECT_EQ(m.binaryFor("quay.io/argoprojlabs/argocd-agent:v0.9.0"), "/exact");
  EXPECT_EQ(m.binaryFor("quay.io/argoprojlabs/argocd-agent:v0.8.0"), "/long");
  EXPECT_EQ(m.binaryFor("quay.io/other:1"), "/short");
  EXPECT_FALSE(m.allows("docker.io/library/nginx:1"));
}

}  // namespace
}  // namespace processkubelet
