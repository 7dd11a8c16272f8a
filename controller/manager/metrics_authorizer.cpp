#include "controller/manager/metrics_authorizer.h"

#include <openssl/sha.h>

#include "controller/logging/logger.h"

namespace ctrl::manager {
namespace {

using nlohmann::json;

const kube::Resource kTokenReviews{"authentication.k8s.io", "v1", "tokenreviews", "TokenReview",
                                   false};
const kube::Resource kSubjectAccessReviews{"authorization.k8s.io", "v1", "subjectaccessreviews",
                                           "SubjectAccessReview", false};

std::string digest(const std::string& text) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

// "Bearer <token>" (scheme case-insensitive, as RFC 6750 allows) -> token.
std::string bearerToken(const std::string& authorization) {
  static const std::string kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return "";
  }
  std::string token = authorization.substr(kScheme.size());
  token.erase(0, token.find_first_not_of(' '));
  token.erase(token.find_last_not_of(' ') + 1);
  return token;
}

}  // namespace

MetricsAuthorizer::MetricsAuthorizer(kube::KubeClientPtr client, MetricsAuthorizerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = std::make_shared<RealClock>();
}

int MetricsAuthorizer::httpCode(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllowed:
      return 200;
    case Verdict::kUnauthenticated:
      return 401;
    case Verdict::kForbidden:
      return 403;
    case Verdict::kBusy:
      return 429;
    case Verdict::kUnavailable:
      break;
  }
  return 500;
}

MetricsAuthorizer::Decision MetricsAuthorizer::authorize(const std::string& authorization,
                                                         const std::string& path,
                                                         const std::string& verb) {
  const std::string token = bearerToken(authorization);
  if (token.empty()) return {Verdict::kUnauthenticated, "no bearer token"};
  const std::string key = digest(token + '\n' + verb + '\n' + path);
  const auto now = options_.clock->now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.expires > now) return it->second.decision;
      cache_.erase(it);
    }
    if (reviewsInFlight_ >= options_.maxConcurrentReviews) {
      return {Verdict::kBusy, "too many authorizations in progress; retry"};
    }
    ++reviewsInFlight_;
  }
  Decision decision = reviewCounted(token, path, verb);
  if (decision.verdict == Verdict::kUnavailable) return decision;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= options_.maxEntries) {
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
    }
    // Still full (many live tokens): start over rather than grow.
    if (cache_.size() >= options_.maxEntries) cache_.clear();
  }
  cache_[key] = Entry{decision, now + options_.ttl};
  return decision;
}

MetricsAuthorizer::Decision MetricsAuthorizer::reviewCounted(const std::string& token,
                                                             const std::string& path,
                                                             const std::string& verb) {
  // Released however review() ends, a throw included.
  struct Release {
    MetricsAuthorizer* self;
    ~Release() {
      std::lock_guard<std::mutex> lock(self->mu_);
      --self->reviewsInFlight_;
    }
  } release{this};
  return review(token, path, verb);
}

MetricsAuthorizer::Decision MetricsAuthorizer::review(const std::string& token,
                                                      const std::string& path,
                                                      const std::string& verb) {
  json tokenReview = {{"apiVersion", kTokenReviews.apiVersion()},
                      {"kind", kTokenReviews.kind},
                      {"spec", {{"token", token}}}};
  auto reviewed = client_->create(kTokenReviews, "", tokenReview);
  if (!reviewed.isOk()) {
    // The server's message, never the request: the token stays out of the log.
    logging::warn("TokenReview failed", {{"error", reviewed.status().toString()}});
    return {Verdict::kUnavailable, "authentication is unavailable"};
  }
  const json status = reviewed->value("status", json::object());
  if (!status.value("authenticated", false)) {
    return {Verdict::kUnauthenticated, "the token is not valid"};
  }
  const json user = status.value("user", json::object());
  json spec = {{"user", user.value("username", "")},
               {"nonResourceAttributes", {{"path", path}, {"verb", verb}}}};
  if (user.contains("uid")) spec["uid"] = user["uid"];
  if (user.contains("groups")) spec["groups"] = user["groups"];
  if (user.contains("extra")) spec["extra"] = user["extra"];
  json accessReview = {{"apiVersion", kSubjectAccessReviews.apiVersion()},
                       {"kind", kSubjectAccessReviews.kind},
                       {"spec", spec}};
  auto access = client_->create(kSubjectAccessReviews, "", accessReview);
  if (!access.isOk()) {
    logging::warn("SubjectAccessReview failed", {{"error", access.status().toString()}});
    return {Verdict::kUnavailable, "authorization is unavailable"};
  }
  const json accessStatus = access->value("status", json::object());
  const std::string username = user.value("username", "");
  if (accessStatus.value("allowed", false) && !accessStatus.value("denied", false)) {
    return {Verdict::kAllowed, ""};
  }
  logging::debug("metrics request forbidden", {{"user", username}, {"path", path}});
  return {Verdict::kForbidden,
          "user \"" + username + "\" may not " + verb + " path \"" + path + "\""};
}

}  // namespace ctrl::manager
