#include "controller/kube/api_error.h"

#include <gtest/gtest.h>

namespace ctrl::kube {
namespace {

// Bodies below are shaped like what kube-apiserver v1.34 returns.

TEST(ApiErrorTest, NotFound) {
  Status s = statusFromResponse(404, R"({"kind":"Status","apiVersion":"v1","metadata":{},
    "status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound",
    "details":{"name":"x","kind":"configmaps"},"code":404})");
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.httpCode(), 404);
  EXPECT_EQ(s.reason(), "NotFound");
  EXPECT_EQ(s.message(), "configmaps \"x\" not found");
  EXPECT_EQ(s.toString(), "NotFound: configmaps \"x\" not found");
}

TEST(ApiErrorTest, AlreadyExistsVersusConflict) {
  Status exists = statusFromResponse(409, R"({"kind":"Status","status":"Failure",
    "message":"configmaps \"x\" already exists","reason":"AlreadyExists","code":409})");
  EXPECT_EQ(exists.code(), Code::kAlreadyExists);
  Status conflict = statusFromResponse(409, R"({"kind":"Status","status":"Failure",
    "message":"Operation cannot be fulfilled on configmaps \"x\": the object has been modified",
    "reason":"Conflict","code":409})");
  EXPECT_EQ(conflict.code(), Code::kConflict);
  Status applyConflict = statusFromResponse(409, R"({"kind":"Status","status":"Failure",
    "message":"Apply failed with 1 conflict: conflict with \"other\": .data.k","reason":"Conflict",
    "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"other\"","field":".data.k"}]},
    "code":409})");
  EXPECT_EQ(applyConflict.code(), Code::kConflict);
  ASSERT_EQ(applyConflict.causes().size(), 1u);
  EXPECT_EQ(applyConflict.causes()[0].field, ".data.k");
}

TEST(ApiErrorTest, InvalidWithCauses) {
  Status s = statusFromResponse(422, R"({"kind":"Status","apiVersion":"v1","metadata":{},
    "status":"Failure","message":"ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value",
    "reason":"Invalid","details":{"name":"Bad_Name","kind":"ConfigMap","causes":[
      {"reason":"FieldValueInvalid","message":"Invalid value: \"Bad_Name\"","field":"metadata.name"},
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.serverAddr"}]},
    "code":422})");
  EXPECT_EQ(s.code(), Code::kInvalid);
  ASSERT_EQ(s.causes().size(), 2u);
  EXPECT_EQ(s.causes()[0].type, "FieldValueInvalid");
  EXPECT_EQ(s.causes()[0].field, "metadata.name");
  EXPECT_EQ(s.causes()[1].field, "spec.serverAddr");
  EXPECT_EQ(s.causes()[1].message, "Required value");
}

TEST(ApiErrorTest, CodesMapWithoutReason) {
  EXPECT_EQ(statusFromResponse(400, "").code(), Code::kBadRequest);
  EXPECT_EQ(statusFromResponse(401, "").code(), Code::kUnauthorized);
  EXPECT_EQ(statusFromResponse(403, "").code(), Code::kForbidden);
  EXPECT_EQ(statusFromResponse(405, "").code(), Code::kMethodNotAllowed);
  EXPECT_EQ(statusFromResponse(410, "").code(), Code::kGone);
  EXPECT_EQ(statusFromResponse(500, "").code(), Code::kServerError);
  EXPECT_EQ(statusFromResponse(502, "").code(), Code::kServerError);
  EXPECT_EQ(statusFromResponse(503, "").code(), Code::kServerError);
  EXPECT_EQ(statusFromResponse(504, "").code(), Code::kTimeout);
  EXPECT_EQ(statusFromResponse(415, "").code(), Code::kBadRequest);
}

TEST(ApiErrorTest, ForbiddenMessageFromServer) {
  Status s = statusFromResponse(403, R"({"kind":"Status","status":"Failure",
    "message":"secrets is forbidden: User \"bob\" cannot list resource \"secrets\"",
    "reason":"Forbidden","details":{"kind":"secrets"},"code":403})");
  EXPECT_TRUE(isForbidden(s));
  EXPECT_NE(s.message().find("User \"bob\""), std::string::npos);
}

TEST(ApiErrorTest, TooManyRequestsRetryAfterFromHeaderOrDetails) {
  Status header = statusFromResponse(429, R"({"kind":"Status","status":"Failure",
    "message":"Too many requests, please try again later.","reason":"TooManyRequests",
    "details":{"retryAfterSeconds":1},"code":429})",
                                     "7");
  EXPECT_TRUE(isTooManyRequests(header));
  ASSERT_TRUE(header.retryAfter().has_value());
  EXPECT_EQ(header.retryAfter()->count(), 7);  // the header wins

  Status details = statusFromResponse(429, R"({"kind":"Status","reason":"TooManyRequests",
    "details":{"retryAfterSeconds":3},"code":429})");
  ASSERT_TRUE(details.retryAfter().has_value());
  EXPECT_EQ(details.retryAfter()->count(), 3);

  EXPECT_FALSE(statusFromResponse(429, "", "Wed, 21 Oct 2015 07:28:00 GMT").retryAfter());
}

TEST(ApiErrorTest, ServerTimeoutReasonIsTimeout) {
  Status s = statusFromResponse(500, R"({"kind":"Status","reason":"ServerTimeout",
    "message":"The list operation against configmaps could not be completed at this time",
    "details":{"retryAfterSeconds":2},"code":500})");
  EXPECT_EQ(s.code(), Code::kTimeout);
  Status t = statusFromResponse(
      504,
      R"({"kind":"Status","reason":"Timeout","message":"Timeout: request did not complete","code":504})");
  EXPECT_EQ(t.code(), Code::kTimeout);
}

TEST(ApiErrorTest, ExpiredContinueIsGone) {
  Status s = statusFromResponse(410, R"({"kind":"Status","status":"Failure",
    "message":"The provided continue parameter is too old","reason":"Expired","code":410})");
  EXPECT_TRUE(isGone(s));
}

TEST(ApiErrorTest, NonStatusBodyIsTruncatedIntoMessage) {
  std::string html = "<html>" + std::string(1000, 'x') + "</html>";
  Status s = statusFromResponse(502, html);
  EXPECT_EQ(s.code(), Code::kServerError);
  EXPECT_EQ(s.httpCode(), 502);
  EXPECT_LT(s.message().size(), 300u);
  EXPECT_EQ(s.message().rfind("HTTP 502: <html>", 0), 0u);
}

TEST(ApiErrorTest, WatchErrorEventObject) {
  auto obj = nlohmann::json::parse(R"j({"kind":"Status","apiVersion":"v1","metadata":{},
    "status":"Failure","message":"too old resource version: 1 (2270)","reason":"Expired","code":410})j");
  Status s = statusFromStatusObject(obj);
  EXPECT_TRUE(isGone(s));
  EXPECT_EQ(s.httpCode(), 410);
  EXPECT_EQ(s.message(), "too old resource version: 1 (2270)");
}

}  // namespace
}  // namespace ctrl::kube
