#include "controller/manager/metrics_authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

#include "tests/mocks/kube/mock_kube_client.h"
#include "tests/support/fake_clock.h"

namespace ctrl::manager {
namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::Invoke;
using ::testing::Return;
using ::testing::StrictMock;
using Verdict = MetricsAuthorizer::Verdict;
using nlohmann::json;

auto isResource(const std::string& plural) {
  return Field(&kube::Resource::plural, plural);
}

// What the API server says of each token: authenticated, then allowed.
struct Verdicts {
  bool authenticated;
  bool allowed;
};

class MetricsAuthorizerTest : public ::testing::Test {
 protected:
  MetricsAuthorizerTest() {
    MetricsAuthorizerOptions o;
    o.clock = clock_;
    o.ttl = std::chrono::seconds(10);
    o.maxEntries = 3;
    authorizer_ = std::make_unique<MetricsAuthorizer>(client_, o);
  }

  // Answers reviews as `tokens` says; the user of token T is
  // system:serviceaccount:monitoring:T. Counts the reviews of each token.
  void script(std::map<std::string, Verdicts> tokens) {
    tokens_ = std::move(tokens);
    EXPECT_CALL(*client_, create(isResource("tokenreviews"), "", _, _))
        .WillRepeatedly(Invoke([this](const kube::Resource&, const std::string&, const json& b,
                                      const std::string&) -> kube::StatusOr<json> {
          EXPECT_EQ(b["apiVersion"], "authentication.k8s.io/v1");
          EXPECT_EQ(b["kind"], "TokenReview");
          const std::string token = b["spec"]["token"];
          ++tokenReviews_[token];
          json status = {{"authenticated", tokens_.at(token).authenticated}};
          if (tokens_.at(token).authenticated) {
            status["user"] = {{"username", "system:serviceaccount:monitoring:" + token},
                              {"uid", "uid-" + token},
                              {"groups", {"system:serviceaccounts", "system:authenticated"}}};
          }
          return json{{"kind", "TokenReview"}, {"status", status}};
        }));
    EXPECT_CALL(*client_, create(isResource("subjectaccessreviews"), "", _, _))
        .WillRepeatedly(Invoke([this](const kube::Resource&, const std::string&, const json& b,
                                      const std::string&) -> kube::StatusOr<json> {
          EXPECT_EQ(b["apiVersion"], "authorization.k8s.io/v1");
          EXPECT_EQ(b["kind"], "SubjectAccessReview");
          const json& spec = b["spec"];
          const std::string user = spec["user"];
          const std::string token = user.substr(user.rfind(':') + 1);
          EXPECT_EQ(spec["uid"], "uid-" + token);
          EXPECT_EQ(spec["groups"].size(), 2u);
          EXPECT_EQ(spec["nonResourceAttributes"], (json{{"path", "/metrics"}, {"verb", "get"}}));
          EXPECT_FALSE(spec.contains("resourceAttributes"));
          ++accessReviews_[token];
          return json{{"kind", "SubjectAccessReview"},
                      {"status", {{"allowed", tokens_.at(token).allowed}}}};
        }));
  }

  Verdict verdictFor(const std::string& token) {
    return authorizer_->authorize("Bearer " + token, "/metrics").verdict;
  }

  std::shared_ptr<testsupport::FakeClock> clock_ = std::make_shared<testsupport::FakeClock>();
  std::shared_ptr<StrictMock<kube::MockKubeClient>> client_ =
      std::make_shared<StrictMock<kube::MockKubeClient>>();
  std::unique_ptr<MetricsAuthorizer> authorizer_;
  std::map<std::string, Verdicts> tokens_;
  std::map<std::string, int> tokenReviews_;
  std::map<std::string, int> accessReviews_;
};

TEST_F(MetricsAuthorizerTest, NoBearerTokenIsUnauthenticatedWithoutAnyApiCall) {
  EXPECT_EQ(authorizer_->authorize("", "/metrics").verdict, Verdict::kUnauthenticated);
  EXPECT_EQ(authorizer_->authorize("Basic dXNlcjpwYXNz", "/metrics").verdict,
            Verdict::kUnauthenticated);
  EXPECT_EQ(authorizer_->authorize("Bearer ", "/metrics").verdict, Verdict::kUnauthenticated);
  EXPECT_EQ(MetricsAuthorizer::httpCode(Verdict::kUnauthenticated), 401);
}

TEST_F(MetricsAuthorizerTest, AnAllowedTokenIsAllowed) {
  script({{"good", {true, true}}});
  EXPECT_EQ(verdictFor("good"), Verdict::kAllowed);
  EXPECT_EQ(tokenReviews_["good"], 1);
  EXPECT_EQ(accessReviews_["good"], 1);
}

TEST_F(MetricsAuthorizerTest, TheSchemeIsCaseInsensitive) {
  script({{"good", {true, true}}});
  EXPECT_EQ(authorizer_->authorize("bearer good", "/metrics").verdict, Verdict::kAllowed);
}

TEST_F(MetricsAuthorizerTest, ATokenTheApiServerRejectsIsUnauthenticated) {
  script({{"bad-token", {false, false}}});
  auto d = authorizer_->authorize("Bearer bad-token", "/metrics");
  EXPECT_EQ(d.verdict, Verdict::kUnauthenticated);
  EXPECT_EQ(d.reason.find("bad-token"), std::string::npos);
  EXPECT_EQ(accessReviews_["bad-token"], 0) << "no access review for an unknown user";
}

TEST_F(MetricsAuthorizerTest, AnAuthenticatedUserWithoutTheRightIsForbidden) {
  script({{"other", {true, false}}});
  auto d = authorizer_->authorize("Bearer other", "/metrics");
  EXPECT_EQ(d.verdict, Verdict::kForbidden);
  EXPECT_EQ(MetricsAuthorizer::httpCode(d.verdict), 403);
  EXPECT_NE(d.reason.find("system:serviceaccount:monitoring:other"), std::string::npos);
}

TEST_F(MetricsAuthorizerTest, DecisionsAreCachedForTheTtlThenReviewedAgain) {
  script({{"good", {true, true}}, {"other", {true, false}}});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(verdictFor("good"), Verdict::kAllowed);
    EXPECT_EQ(verdictFor("other"), Verdict::kForbidden);
  }
  EXPECT_EQ(tokenReviews_["good"], 1);
  EXPECT_EQ(accessReviews_["other"], 1);
  clock_->advance(std::chrono::seconds(11));
  EXPECT_EQ(verdictFor("good"), Verdict::kAllowed);
  EXPECT_EQ(tokenReviews_["good"], 2);
  EXPECT_EQ(accessReviews_["good"], 2);
}

TEST_F(MetricsAuthorizerTest, TheCacheStaysWithinItsBound) {
  // maxEntries 3: a fourth live token starts the cache over, so the first is reviewed again.
  script({{"t1", {true, true}}, {"t2", {true, true}}, {"t3", {true, true}}, {"t4", {true, true}}});
  for (const char* t : {"t1", "t2", "t3", "t1", "t4", "t1"}) {
    EXPECT_EQ(verdictFor(t), Verdict::kAllowed) << t;
  }
  EXPECT_EQ(tokenReviews_["t1"], 2);
  EXPECT_EQ(tokenReviews_["t4"], 1);
}

TEST_F(MetricsAuthorizerTest, AFailedReviewIsUnavailableAndNotCached) {
  EXPECT_CALL(*client_, create(isResource("tokenreviews"), "", _, _))
      .Times(2)
      .WillRepeatedly(Return(
          kube::Status(kube::Code::kForbidden, "tokenreviews.authentication.k8s.io is forbidden")));
  for (int i = 0; i < 2; ++i) {
    auto d = authorizer_->authorize("Bearer t", "/metrics");
    EXPECT_EQ(d.verdict, Verdict::kUnavailable);
    EXPECT_EQ(MetricsAuthorizer::httpCode(d.verdict), 500);
  }
}

TEST_F(MetricsAuthorizerTest, AFailedAccessReviewIsUnavailable) {
  EXPECT_CALL(*client_, create(isResource("tokenreviews"), "", _, _))
      .WillOnce(Return(json{{"status", {{"authenticated", true}, {"user", {{"username", "u"}}}}}}));
  EXPECT_CALL(*client_, create(isResource("subjectaccessreviews"), "", _, _))
      .WillOnce(Return(kube::Status(kube::Code::kUnavailable, "connection refused")));
  EXPECT_EQ(authorizer_->authorize("Bearer t", "/metrics").verdict, Verdict::kUnavailable);
}

// TokenReviews that wait until released, as on a slow API server.
class HeldReviews {
 public:
  kube::StatusOr<json> review() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    return json{{"status", {{"authenticated", false}}}};
  }
  bool awaitWaiting(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ >= n; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool released_ = false;
};

TEST_F(MetricsAuthorizerTest, ReviewsBeyondTheCapAreRefusedAtOnceNotQueued) {
  MetricsAuthorizerOptions o;
  o.clock = clock_;
  o.maxConcurrentReviews = 2;
  MetricsAuthorizer authorizer(client_, o);
  HeldReviews held;
  EXPECT_CALL(*client_, create(isResource("tokenreviews"), "", _, _))
      .Times(3)
      .WillRepeatedly(Invoke([&held](const kube::Resource&, const std::string&, const json&,
                                     const std::string&) { return held.review(); }));
  auto first = std::async(std::launch::async,
                          [&] { return authorizer.authorize("Bearer a", "/metrics").verdict; });
  auto second = std::async(std::launch::async,
                           [&] { return authorizer.authorize("Bearer b", "/metrics").verdict; });
  ASSERT_TRUE(held.awaitWaiting(2));

  // Two reviews hold their threads: a third token gets 429 without waiting.
  auto busy = authorizer.authorize("Bearer c", "/metrics");
  EXPECT_EQ(busy.verdict, Verdict::kBusy);
  EXPECT_EQ(MetricsAuthorizer::httpCode(busy.verdict), 429);
  EXPECT_EQ(busy.reason, "too many authorizations in progress; retry");

  held.release();
  EXPECT_EQ(first.get(), Verdict::kUnauthenticated);
  EXPECT_EQ(second.get(), Verdict::kUnauthenticated);
  // The slots are free again: the refused token is reviewed now.
  EXPECT_EQ(authorizer.authorize("Bearer c", "/metrics").verdict, Verdict::kUnauthenticated);
}

TEST_F(MetricsAuthorizerTest, AReviewThatThrowsGivesItsSlotBack) {
  MetricsAuthorizerOptions o;
  o.clock = clock_;
  o.maxConcurrentReviews = 1;
  MetricsAuthorizer authorizer(client_, o);
  EXPECT_CALL(*client_, create(isResource("tokenreviews"), "", _, _))
      .WillOnce(Return(json{{"status", {{"authenticated", "yes"}}}}))  // not a bool: json throws
      .WillOnce(Return(json{{"status", {{"authenticated", false}}}}));
  EXPECT_THROW(authorizer.authorize("Bearer a", "/metrics"), std::exception);
  EXPECT_EQ(authorizer.authorize("Bearer b", "/metrics").verdict, Verdict::kUnauthenticated);
}

}  // namespace
}  // namespace ctrl::manager
