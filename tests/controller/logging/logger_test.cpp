#include "controller/logging/logger.h"

#include <gtest/gtest.h>

#include <regex>

namespace ctrl::logging {
namespace {

using nlohmann::json;

TEST(RenderLineTest, JsonHasFixedKeysFirstThenFields) {
  std::string line = renderLine(Format::kJson, Level::kInfo, "reconciled",
                                {{"clusteragent", "ns/a"}, {"attempt", 2}});
  EXPECT_TRUE(std::regex_match(
      line,
      std::regex(
          R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"reconciled",.*\})")))
      << line;
  json parsed = json::parse(line);
  EXPECT_EQ(parsed["clusteragent"], "ns/a");
  EXPECT_EQ(parsed["attempt"], 2);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(RenderLineTest, JsonEscapesQuotesNewlinesAndControlCharacters) {
  std::string line =
      renderLine(Format::kJson, Level::kError, "bad \"x\"\nnext", {{"path", "a\\b\t"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  json parsed = json::parse(line);
  EXPECT_EQ(parsed["msg"], "bad \"x\"\nnext");
  EXPECT_EQ(parsed["path"], "a\\b\t");
  EXPECT_EQ(parsed["level"], "error");
}

TEST(RenderLineTest, JsonSurvivesInvalidUtf8) {
  std::string line =
      renderLine(Format::kJson, Level::kWarn, std::string("x\xff", 2), json::object());
  json parsed;
  EXPECT_NO_THROW(parsed = json::parse(line));
  EXPECT_TRUE(parsed.is_object());
}

TEST(RenderLineTest, JsonReservedFieldNamesDoNotDuplicateKeys) {
  std::string line = renderLine(Format::kJson, Level::kInfo, "m", {{"msg", "other"}});
  json parsed = json::parse(line);
  EXPECT_EQ(parsed["msg"], "m");
  EXPECT_EQ(parsed["field.msg"], "other");
}

TEST(RenderLineTest, TextIsTimestampLevelMessageThenKeyValues) {
  std::string line =
      renderLine(Format::kText, Level::kWarn, "drift repaired",
                 {{"object", "ns/a"}, {"n", 3}, {"why", "two words"}, {"empty", ""}});
  std::regex re(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN drift repaired (.*))");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(line, m, re)) << line;
  // nlohmann objects iterate in key order.
  EXPECT_EQ(m[1].str(), R"(empty="" n=3 object=ns/a why="two words")");
}

TEST(RenderLineTest, TextKeepsMessageOnOneLine) {
  std::string line = renderLine(Format::kText, Level::kInfo, "a\nb", json::object());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("INFO a\\nb"), std::string::npos);
}

TEST(RenderLineTest, NonObjectFieldsAreKeptUnderFields) {
  json parsed = json::parse(renderLine(Format::kJson, Level::kDebug, "m", json::array({1, 2})));
  EXPECT_EQ(parsed["fields"], json::array({1, 2}));
  EXPECT_EQ(parsed["level"], "debug");
}

TEST(ParseTest, LevelsAndFormats) {
  Level l;
  EXPECT_TRUE(parseLevel("debug", &l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_TRUE(parseLevel("error", &l));
  EXPECT_EQ(l, Level::kError);
  EXPECT_FALSE(parseLevel("verbose", &l));
  Format f;
  EXPECT_TRUE(parseFormat("json", &f));
  EXPECT_EQ(f, Format::kJson);
  EXPECT_FALSE(parseFormat("xml", &f));
}

TEST(LogTest, FiltersBelowConfiguredLevel) {
  configure(Format::kJson, Level::kWarn);
  testing::internal::CaptureStderr();
  info("hidden");
  warn("shown", {{"k", "v"}});
  std::string out = testing::internal::GetCapturedStderr();
  configure(Format::kText, Level::kInfo);
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  ASSERT_NE(out.find("shown"), std::string::npos) << out;
  EXPECT_EQ(json::parse(out.substr(0, out.find('\n')))["k"], "v");
}

}  // namespace
}  // namespace ctrl::logging
