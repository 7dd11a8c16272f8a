#include "controller/manager/http_request_head.h"

#include <gtest/gtest.h>

namespace ctrl::manager {
namespace {

TEST(FindHeadEndTest, FindsTheBlankLine) {
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), 24u);
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\nA: b\r\n"), std::string::npos);
}

TEST(ParseRequestHeadTest, ParsesRequestLineAndHeaders) {
  auto h =
      parseRequestHead("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization:  Bearer t \r\n\r\n");
  ASSERT_TRUE(h.isOk()) << h.status().toString();
  EXPECT_EQ(h->method, "GET");
  EXPECT_EQ(h->target, "/metrics?x=1");
  EXPECT_EQ(h->path(), "/metrics");
  EXPECT_EQ(h->header("authorization").value_or(""), "Bearer t");
  EXPECT_FALSE(h->header("X-None").has_value());
  EXPECT_EQ(h->contentLength, 0u);
  EXPECT_FALSE(h->chunked);
}

TEST(ParseRequestHeadTest, ReadsTheBodyLength) {
  auto h = parseRequestHead("POST / HTTP/1.0\r\nContent-Length: 12\r\ncontent-length: 12\r\n\r\n");
  ASSERT_TRUE(h.isOk());
  EXPECT_EQ(h->contentLength, 12u);
  EXPECT_TRUE(parseRequestHead("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")->chunked);
}

TEST(ParseRequestHeadTest, RefusesWhatAStrictParserRefuses) {
  for (const char* bad : {
           "GET / HTTP/1.1 extra\r\n\r\n",                  // request line
           "GET /\r\n\r\n",                                 // no version
           "GET / HTTP/2.0\r\n\r\n",                        // version
           "G(T / HTTP/1.1\r\n\r\n",                        // method
           "GET http://x/ HTTP/1.1\r\n\r\n",                // absolute form
           "GET / HTTP/1.1\r\nNo-Colon\r\n\r\n",            // header line
           "GET / HTTP/1.1\r\nName : v\r\n\r\n",            // space before colon
           "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",          // obs-fold
           "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",            // control char
           "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",  // bad length
           "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",     // conflicting
           "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: x\r\n\r\n",  // smuggling
       }) {
    EXPECT_FALSE(parseRequestHead(bad).isOk()) << bad;
  }
}

TEST(HeadForBackendTest, KeepsHeadersInOrderAndClosesTheConnection) {
  auto h = parseRequestHead(
      "GET /m HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\nX-A: 1\r\n\r\n");
  ASSERT_TRUE(h.isOk());
  EXPECT_EQ(headForBackend(*h),
            "GET /m HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nConnection: close\r\n\r\n");
}

TEST(PlainResponseTest, IsACompleteClosingResponse) {
  EXPECT_EQ(plainResponse(431, "Request Header Fields Too Large", "too large\n"),
            "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Length: 10\r\nConnection: close\r\n\r\ntoo large\n");
}

}  // namespace
}  // namespace ctrl::manager
