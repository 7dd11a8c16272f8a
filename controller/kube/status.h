#pragma once
// The project's one error style: a small Status / StatusOr<T> value, checked at
// every call. Exceptions never cross a module boundary; cpprestsdk's and
// nlohmann's are converted to a Status where they are caught (the HTTP
// boundary in cpprest_kube_client.cpp, JSON parsing at the edges).
//
// Kubernetes API errors arrive as a metav1.Status body; its HTTP code and
// `reason` map to a Code so callers branch on the kind of failure
// (isNotFound(s), isConflict(s), ...) the way client-go's apierrors do.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ctrl::kube {

enum class Code {
  kOk,
  kNotFound,          // 404
  kAlreadyExists,     // 409 reason AlreadyExists
  kConflict,          // 409 (resourceVersion / apply conflict)
  kInvalid,           // 422, with field causes
  kGone,              // 410: resourceVersion too old, relist
  kForbidden,         // 403
  kUnauthorized,      // 401
  kTooManyRequests,   // 429, see retryAfter()
  kBadRequest,        // 400
  kMethodNotAllowed,  // 405
  kServerError,       // 5xx
  kTimeout,           // 504 / server or client timeout
  kUnavailable,       // no connection (refused, DNS, TLS, reset)
  kCancelled,         // the caller stopped the operation
  kInvalidArgument,   // a client-side error: bad config, malformed input
  kInternal,          // a bug or an unexpected response
};

const char* codeName(Code code);

// One field-level cause of an Invalid error (metav1.StatusCause).
struct FieldCause {
  std::string type;   // e.g. FieldValueInvalid
  std::string field;  // e.g. spec.serverAddr
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }

  bool isOk() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  int httpCode() const { return http_code_; }
  const std::string& reason() const { return reason_; }  // metav1.Status reason
  const std::vector<FieldCause>& causes() const { return causes_; }
  std::optional<std::chrono::seconds> retryAfter() const { return retry_after_; }

  Status& withHttpCode(int c) {
    http_code_ = c;
    return *this;
  }
  Status& withReason(std::string r) {
    reason_ = std::move(r);
    return *this;
  }
  Status& withCauses(std::vector<FieldCause> c) {
    causes_ = std::move(c);
    return *this;
  }
  Status& withRetryAfter(std::chrono::seconds s) {
    retry_after_ = s;
    return *this;
  }

  // "NotFound: deployments.apps \"x\" not found" — safe to log: built from the
  // server's message, never from a request body.
  std::string toString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  int http_code_ = 0;
  std::string reason_;
  std::vector<FieldCause> causes_;
  std::optional<std::chrono::seconds> retry_after_;
};

inline bool isNotFound(const Status& s) {
  return s.code() == Code::kNotFound;
}
inline bool isAlreadyExists(const Status& s) {
  return s.code() == Code::kAlreadyExists;
}
inline bool isConflict(const Status& s) {
  return s.code() == Code::kConflict;
}
inline bool isInvalid(const Status& s) {
  return s.code() == Code::kInvalid;
}
inline bool isGone(const Status& s) {
  return s.code() == Code::kGone;
}
inline bool isForbidden(const Status& s) {
  return s.code() == Code::kForbidden;
}
inline bool isUnauthorized(const Status& s) {
  return s.code() == Code::kUnauthorized;
}
inline bool isTooManyRequests(const Status& s) {
  return s.code() == Code::kTooManyRequests;
}
inline bool isServerError(const Status& s) {
  return s.code() == Code::kServerError;
}
inline bool isTimeout(const Status& s) {
  return s.code() == Code::kTimeout;
}

// Safe to retry without changing the request: throttling, server-side
// trouble, timeouts, lost connections.
bool isRetryable(const Status& s);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool isOk() const { return status_.isOk(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ctrl::kube
