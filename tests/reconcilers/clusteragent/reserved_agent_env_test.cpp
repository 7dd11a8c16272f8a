// spec.env may not set the agent's connection and security settings: the
// parser refuses each reserved name (reason EnvNotAllowed, the field path,
// what to set instead), and the CRD's CEL rule lists exactly the same names.
#include "reconcilers/clusteragent/reserved_agent_env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cmd/yaml_to_json.h"
#include "reconcilers/clusteragent/spec.h"
#include "tests/builders/cluster_agent_builder.h"

namespace clusteragent {
namespace {

using namespace testbuilders;
using ::testing::HasSubstr;

json envOf(std::initializer_list<std::pair<const char*, const char*>> vars) {
  json env = json::array();
  for (const auto& [name, value] : vars) env.push_back({{"name", name}, {"value", value}});
  return env;
}

TEST(ReservedAgentEnv, EachReservedNameIsRefusedWithFieldPathAndFix) {
  ASSERT_EQ(reservedAgentEnvNames().size(), 12u);
  for (const auto& name : reservedAgentEnvNames()) {
    SCOPED_TRACE(name);
    json env = envOf({{"EXTRA", "1"}});
    env.push_back({{"name", name}, {"value", "x"}});
    ParseResult r = parseClusterAgent(makeClusterAgent("a", withSpecField("env", env)));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u) << r.errorSummary();
    EXPECT_EQ(r.errors[0].field, "spec.env[1].name");
    EXPECT_EQ(r.errors[0].reason, kReasonReservedAgentEnv);
    EXPECT_EQ(r.errorReason(), "EnvNotAllowed");
    EXPECT_THAT(r.errorSummary(), HasSubstr(name + " may not be set in spec.env"));
    EXPECT_THAT(r.errorSummary(), HasSubstr(*reservedAgentEnvHint(name)));
  }
}

TEST(ReservedAgentEnv, ValueFromCountsAsSettingIt) {
  json env =
      json::array({{{"name", "ARGOCD_AGENT_TLS_INSECURE"},
                    {"valueFrom", {{"configMapKeyRef", {{"name", "cm"}, {"key", "insecure"}}}}}}});
  ParseResult r = parseClusterAgent(makeClusterAgent("a", withSpecField("env", env)));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.errorSummary(), HasSubstr("use spec.tls.insecureSkipVerify"));
}

TEST(ReservedAgentEnv, OtherVariablesStayAllowed) {
  // The operator's tuning variables and upstream's others are the user's to set.
  json env = envOf({{"ARGOCD_AGENT_LOG_LEVEL", "debug"},
                    {"ARGOCD_AGENT_TLS_MIN_VERSION", "tls1.3"},
                    {"HTTPS_PROXY", "http://proxy:3128"},
                    {"argocd_agent_creds", "lower case is another variable"},
                    {"EXTRA", "1"}});
  ParseResult r = parseClusterAgent(makeClusterAgent("a", withSpecField("env", env)));
  EXPECT_TRUE(r.ok()) << r.errorSummary();
  EXPECT_FALSE(reservedAgentEnvHint("ARGOCD_AGENT_LOG_LEVEL").has_value());
}

TEST(ReservedAgentEnv, OtherErrorsAlongsideMakeItInvalidSpec) {
  json env = envOf({{"ARGOCD_AGENT_MODE", "autonomous"}});
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withSpecField("env", env), withSpecField("replicas", "two")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors.size(), 2u) << r.errorSummary();
  EXPECT_EQ(r.errorReason(), "");  // mixed: InvalidSpec
}

// The CRD rule and the parser refuse the same names: a name added to one and
// not the other fails here.
TEST(ReservedAgentEnv, CrdRuleListsTheSameNames) {
  std::ifstream in(std::string(PROJECT_SOURCE_DIR) + "/crds/clusteragents.argoproj.io.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto docs = cmd::yamlDocumentsToJson(text.str());
  ASSERT_TRUE(docs.isOk()) << docs.status().toString();
  const json& crd = (*docs)[0];
  const json items = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
                        ["properties"]["env"]["items"];
  ASSERT_TRUE(items.contains("x-kubernetes-validations")) << items.dump();
  const std::string rule = items["x-kubernetes-validations"][0]["rule"];
  std::set<std::string> inRule;
  const std::regex quoted("'([A-Z_]+)'");
  for (auto it = std::sregex_iterator(rule.begin(), rule.end(), quoted);
       it != std::sregex_iterator(); ++it) {
    inRule.insert((*it)[1]);
  }
  const std::set<std::string> reserved(reservedAgentEnvNames().begin(),
                                       reservedAgentEnvNames().end());
  EXPECT_EQ(inRule, reserved) << rule;
}

}  // namespace
}  // namespace clusteragent
