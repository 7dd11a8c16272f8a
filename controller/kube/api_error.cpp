#include "controller/kube/api_error.h"

#include <cstdlib>

namespace ctrl::kube {
namespace {

constexpr size_t kMaxRawBodyInMessage = 256;

std::string stringField(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<std::chrono::seconds> parseRetryAfter(const std::string& header) {
  if (header.empty()) return std::nullopt;
  char* end = nullptr;
  long v = std::strtol(header.c_str(), &end, 10);
  if (end == header.c_str() || v < 0) return std::nullopt;  // HTTP-date form: not used by k8s
  return std::chrono::seconds(v);
}

}  // namespace

Code codeFromHttp(int httpCode, const std::string& reason) {
  // Reasons first: they are more precise than codes where both exist.
  if (reason == "AlreadyExists") return Code::kAlreadyExists;
  if (reason == "Timeout" || reason == "ServerTimeout") return Code::kTimeout;
  if (reason == "Expired" || reason == "Gone") return Code::kGone;
  switch (httpCode) {
    case 400:
      return Code::kBadRequest;
    case 401:
      return Code::kUnauthorized;
    case 403:
      return Code::kForbidden;
    case 404:
      return Code::kNotFound;
    case 405:
      return Code::kMethodNotAllowed;
    case 409:
      return Code::kConflict;
    case 410:
      return Code::kGone;
    case 422:
      return Code::kInvalid;
    case 429:
      return Code::kTooManyRequests;
    case 504:
      return Code::kTimeout;
    default:
      break;
  }
  if (httpCode >= 500 && httpCode <= 599) return Code::kServerError;
  if (httpCode >= 400 && httpCode <= 499) return Code::kBadRequest;
  return Code::kInternal;
}

Status statusFromStatusObject(const nlohmann::json& status) {
  int httpCode = 0;
  if (auto it = status.find("code"); it != status.end() && it->is_number_integer()) {
    httpCode = it->get<int>();
  }
  std::string reason = stringField(status, "reason");
  std::string message = stringField(status, "message");
  if (message.empty()) {
    message = reason.empty() ? "HTTP " + std::to_string(httpCode) : reason;
  }
  Status s(codeFromHttp(httpCode, reason), message);
  s.withHttpCode(httpCode).withReason(reason);
  auto details = status.find("details");
  if (details != status.end() && details->is_object()) {
    std::vector<FieldCause> causes;
    auto c = details->find("causes");
    if (c != details->end() && c->is_array()) {
      for (const auto& cause : *c) {
        if (!cause.is_object()) continue;
        causes.push_back(FieldCause{stringField(cause, "reason"), stringField(cause, "field"),
                                    stringField(cause, "message")});
      }
    }
    if (!causes.empty()) s.withCauses(std::move(causes));
    auto ra = details->find("retryAfterSeconds");
    if (ra != details->end() && ra->is_number_integer() && ra->get<int64_t>() >= 0) {
      s.withRetryAfter(std::chrono::seconds(ra->get<int64_t>()));
    }
  }
  return s;
}

Status statusFromResponse(int httpCode, const std::string& body,
                          const std::string& retryAfterHeader) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  Status s;
  if (parsed.is_object() && stringField(parsed, "kind") == "Status") {
    // The HTTP code is authoritative: a proxy may wrap a Status in another code.
    parsed["code"] = httpCode;
    s = statusFromStatusObject(parsed);
  } else {
    std::string message = "HTTP " + std::to_string(httpCode);
    if (!body.empty()) {
      message += ": " + body.substr(0, kMaxRawBodyInMessage);
      if (body.size() > kMaxRawBodyInMessage) message += "...";
    }
    s = Status(codeFromHttp(httpCode, ""), message);
    s.withHttpCode(httpCode);
  }
  if (auto ra = parseRetryAfter(retryAfterHeader)) s.withRetryAfter(*ra);
  return s;
}

}  // namespace ctrl::kube
