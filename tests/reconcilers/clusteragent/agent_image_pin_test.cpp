// The default agent image and the argocd-agent binaries the e2e tests build
// must be the same release: otherwise the tests prove one version works and
// the operator deploys another.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cmd/flags.h"
#include "reconcilers/clusteragent/agent_image.h"
#include "reconcilers/clusteragent/reconcile_context.h"
#include "reconcilers/clusteragent/setup.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {
namespace {

const char* const kAgentModule = "github.com/argoproj-labs/argocd-agent";

// The version go.mod requires the module at: "require <module> vX" on one
// line, or "<module> vX" inside a require block. "" when absent.
std::string requiredVersion(const std::string& goMod, const std::string& module) {
  std::istringstream lines(goMod);
  std::string line;
  bool inRequireBlock = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first, second, third;
    words >> first >> second >> third;
    if (first == "require" && second == "(") {
      inRequireBlock = true;
    } else if (inRequireBlock && first == ")") {
      inRequireBlock = false;
    } else if (first == "require" && second == module) {
      return third;
    } else if (inRequireBlock && first == module) {
      return second;
    }
  }
  return "";
}

std::string imageTag(const std::string& image) {
  const auto colon = image.rfind(':');
  const auto slash = image.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "";
  return image.substr(colon + 1);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(AgentImagePinTest, DefaultImageTagIsTheReleaseTheTestsBuild) {
  const std::string goModPath = std::string(PROJECT_SOURCE_DIR) + "/tests/argocd-agent/go.mod";
  const std::string goMod = readFile(goModPath);
  ASSERT_FALSE(goMod.empty()) << "cannot read " << goModPath;
  const std::string pinned = requiredVersion(goMod, kAgentModule);
  ASSERT_FALSE(pinned.empty()) << goModPath << " does not require " << kAgentModule;
  EXPECT_EQ(imageTag(kDefaultAgentImage), pinned)
      << "bump kDefaultAgentImage (reconcilers/clusteragent/agent_image.h) and " << goModPath
      << " together";
}

TEST(AgentImagePinTest, EveryDefaultUsesTheOneConstant) {
  EXPECT_STREQ(cmd::kDefaultAgentImage, kDefaultAgentImage);
  EXPECT_EQ(cmd::Flags{}.agentImage, kDefaultAgentImage);
  EXPECT_EQ(OperatorOptions{}.agentImage, kDefaultAgentImage);
  EXPECT_EQ(ReconcilerOptions{}.agentImage, kDefaultAgentImage);
  EXPECT_EQ(ParseOptions{}.defaultImage, kDefaultAgentImage);
}

TEST(AgentImagePinTest, RequiredVersionReadsBothRequireForms) {
  EXPECT_EQ(requiredVersion("module x\n\nrequire github.com/argoproj-labs/argocd-agent v1.2.3\n",
                            kAgentModule),
            "v1.2.3");
  EXPECT_EQ(requiredVersion("require (\n\tgithub.com/argoproj-labs/argocd-agent v0.9.0 // x\n)\n",
                            kAgentModule),
            "v0.9.0");
  // A replace line naming the module is not a requirement.
  EXPECT_EQ(
      requiredVersion("replace github.com/argoproj-labs/argocd-agent => ../x\n", kAgentModule), "");
  EXPECT_EQ(imageTag("registry:5000/argocd-agent"), "");
  EXPECT_EQ(imageTag("registry:5000/argocd-agent:v0.9.0"), "v0.9.0");
}

}  // namespace
}  // namespace clusteragent
