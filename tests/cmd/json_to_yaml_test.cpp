#include "cmd/json_to_yaml.h"

#include <gtest/gtest.h>

#include "cmd/yaml_to_json.h"

namespace cmd {
namespace {

using nlohmann::json;

TEST(JsonToYamlTest, ReadsBackAsTheSameJson) {
  const json v = {
      {"strings",
       {"8181", "true", "yes", "off", "~", "null", "", "1.5", "0x10", "a: b", "#x", " lead",
        "multi\nline", "v0.9.0", "plain"}},
      {"numbers", {0, -1, 8181, 2.5}},
      {"bools", {true, false}},
      {"null", nullptr},
      {"empty", {{"map", json::object()}, {"list", json::array()}}},
      {"8181", "a key that looks like a number"},
  };
  auto back = yamlDocumentsToJson(jsonToYaml(v));
  ASSERT_TRUE(back.isOk()) << back.status().message() << "\n" << jsonToYaml(v);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0], v) << jsonToYaml(v);
}

TEST(JsonToYamlTest, PlainStringsAreNotQuoted) {
  EXPECT_EQ(jsonToYaml(json{{"kind", "Deployment"}}), "kind: Deployment\n");
  EXPECT_EQ(jsonToYaml(json{{"port", "8181"}}), "port: \"8181\"\n");
}

}  // namespace
}  // namespace cmd
