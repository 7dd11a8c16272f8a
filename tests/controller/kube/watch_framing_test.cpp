#include "controller/kube/watch_framing.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

void feed(LineSplitter& s, const std::string& chunk) {
  s.feed(chunk.data(), chunk.size());
}

TEST(LineSplitterTest, LinesAcrossChunks) {
  LineSplitter s;
  feed(s, "{\"a\":");
  EXPECT_FALSE(s.nextLine());
  EXPECT_EQ(s.pendingBytes(), 5u);
  feed(s, "1}\n{\"b\"");
  EXPECT_EQ(s.nextLine(), "{\"a\":1}");
  EXPECT_FALSE(s.nextLine());
  feed(s, ":2}\n{\"c\":3}\n");
  EXPECT_EQ(s.nextLine(), "{\"b\":2}");
  EXPECT_EQ(s.nextLine(), "{\"c\":3}");
  EXPECT_FALSE(s.nextLine());
  EXPECT_EQ(s.pendingBytes(), 0u);
}

TEST(LineSplitterTest, ByteAtATimeCrlfAndBlankLines) {
  LineSplitter s;
  std::string data = "one\r\n\n\ntwo\n";
  for (char c : data) s.feed(&c, 1);
  EXPECT_EQ(s.nextLine(), "one");
  EXPECT_EQ(s.nextLine(), "two");
  EXPECT_FALSE(s.nextLine());
}

TEST(LineSplitterTest, FlushReturnsUnterminatedLast) {
  LineSplitter s;
  feed(s, "a\nb");
  EXPECT_EQ(s.flush(), "a");
  EXPECT_EQ(s.flush(), "b");
  EXPECT_FALSE(s.flush());
}

TEST(WatchEventTest, ParsesEachType) {
  struct Case {
    const char* name;
    WatchEvent::Type type;
  } cases[] = {{"ADDED", WatchEvent::Type::kAdded},
               {"MODIFIED", WatchEvent::Type::kModified},
               {"DELETED", WatchEvent::Type::kDeleted},
               {"BOOKMARK", WatchEvent::Type::kBookmark},
               {"ERROR", WatchEvent::Type::kError}};
  for (const auto& c : cases) {
    auto ev =
        parseWatchEvent(std::string("{\"type\":\"") + c.name +
                        "\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}}");
    ASSERT_TRUE(ev.isOk()) << c.name;
    EXPECT_EQ(ev->type, c.type);
    EXPECT_EQ(ev->object["metadata"]["name"], "x");
    EXPECT_STREQ(watchEventTypeName(ev->type), c.name);
  }
}

TEST(WatchEventTest, ErrorEventCarriesStatus) {
  auto ev = parseWatchEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(ev.isOk());
  EXPECT_EQ(ev->type, WatchEvent::Type::kError);
  EXPECT_EQ(ev->object["code"], 410);
}

TEST(WatchErrorStatusTest, ReadsCodeAndMessage) {
  const WatchErrorStatus st =
      watchErrorStatus({{"kind", "Status"}, {"code", 410}, {"message", "too old"}});
  EXPECT_EQ(st.code, 410);
  EXPECT_EQ(st.message, "too old");
}

// What json::value() would throw on (a string code, an object message) or
// cast out of range (1e300) reads as "no code", "no message".
TEST(WatchErrorStatusTest, AnyOtherShapeIsNoCodeAndNoMessage) {
  for (const json& object :
       {json{{"code", "410"}, {"message", {{"text", "x"}}}}, json{{"code", 1e300}},
        json{{"code", 410.0}}, json{{"code", -1}}, json{{"code", int64_t{1} << 40}},
        json::array({1, 2}), json("Status"), json()}) {
    const WatchErrorStatus st = watchErrorStatus(object);
    EXPECT_EQ(st.code, 0) << object.dump();
    EXPECT_EQ(st.message, "") << object.dump();
  }
}

TEST(WatchEventTest, RejectsMalformed) {
  EXPECT_EQ(parseWatchEvent("{not json").status().code(), Code::kInternal);
  EXPECT_EQ(parseWatchEvent("[1]").status().code(), Code::kInternal);
  EXPECT_EQ(parseWatchEvent(R"({"type":"ADDED"})").status().code(), Code::kInternal);
  EXPECT_EQ(parseWatchEvent(R"({"type":"WHAT","object":{}})").status().code(), Code::kInternal);
}

}  // namespace
}  // namespace ctrl::kube
