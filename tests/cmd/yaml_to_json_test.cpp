#include "cmd/yaml_to_json.h"

#include <gtest/gtest.h>

namespace cmd {
namespace {

using nlohmann::json;

json one(const std::string& text) {
  auto docs = yamlDocumentsToJson(text);
  EXPECT_TRUE(docs.isOk()) << docs.status().message();
  if (!docs.isOk() || docs->size() != 1) return json();
  return (*docs)[0];
}

TEST(YamlToJsonTest, PlainScalarsResolveAsKubectlReadsThem) {
  json v =
      one("i: 1\nneg: -3\nhex: 0x1F\nf: 1.5\nt: true\ny: yes\noff: off\nn: ~\ne:\ns: hello\n"
          "d: 30s\nv: v0.9.0\n");
  EXPECT_EQ(v["i"], 1);
  EXPECT_EQ(v["neg"], -3);
  EXPECT_EQ(v["hex"], 31);
  EXPECT_EQ(v["f"], 1.5);
  EXPECT_EQ(v["t"], true);
  EXPECT_EQ(v["y"], true);
  EXPECT_EQ(v["off"], false);
  EXPECT_TRUE(v["n"].is_null());
  EXPECT_TRUE(v["e"].is_null());
  EXPECT_EQ(v["s"], "hello");
  EXPECT_EQ(v["d"], "30s");
  EXPECT_EQ(v["v"], "v0.9.0");
}

TEST(YamlToJsonTest, QuotedScalarsStayStrings) {
  json v = one("a: \"8181\"\nb: 'true'\nc: \"\"\n");
  EXPECT_EQ(v["a"], "8181");
  EXPECT_EQ(v["b"], "true");
  EXPECT_EQ(v["c"], "");
}

TEST(YamlToJsonTest, SplitsDocumentsAndKeepsEmptyOnesAsNull) {
  auto docs = yamlDocumentsToJson("a: 1\n---\n---\nb: [x, 2]\n");
  ASSERT_TRUE(docs.isOk());
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[0], json({{"a", 1}}));
  EXPECT_TRUE((*docs)[1].is_null());
  EXPECT_EQ((*docs)[2], json({{"b", {"x", 2}}}));
}

TEST(YamlToJsonTest, InvalidYamlNamesTheLine) {
  auto docs = yamlDocumentsToJson("a: 1\nb: [unclosed\n");
  ASSERT_FALSE(docs.isOk());
  EXPECT_NE(docs.status().message().find("line"), std::string::npos) << docs.status().message();
}

}  // namespace
}  // namespace cmd
