#include "tests/kubelet/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace processkubelet {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

const EnvList kEnv = {{"MODE", "agent"}, {"ADDR", "principal:443"}};

TEST(CommandLineTest, NoCommandRunsTheMappedBinaryWithArgs) {
  json c = {{"args", {"agent", "--server=$(ADDR)"}}};
  EXPECT_THAT(containerArgv(c, "/opt/argocd-agent", kEnv),
              ElementsAre("/opt/argocd-agent", "agent", "--server=principal:443"));
}

TEST(CommandLineTest, NeitherCommandNorArgsRunsTheBinaryAlone) {
  EXPECT_THAT(containerArgv(json::object(), "/opt/bin", kEnv), ElementsAre("/opt/bin"));
}

TEST(CommandLineTest, CommandReplacesTheEntrypointAndArgsFollow) {
  json c = {{"command", {"/bin/sh", "-c"}}, {"args", {"echo $(MODE) $$(MODE) $(UNSET)"}}};
  EXPECT_THAT(containerArgv(c, "/opt/bin", kEnv),
              ElementsAre("/bin/sh", "-c", "echo agent $(MODE) $(UNSET)"));
}

TEST(CommandLineTest, CommandWithoutArgs) {
  json c = {{"command", {"/opt/other", "$(MODE)"}}};
  EXPECT_THAT(containerArgv(c, "/opt/bin", kEnv), ElementsAre("/opt/other", "agent"));
}

}  // namespace
}  // namespace processkubelet
