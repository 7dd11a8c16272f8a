#include "controller/kube/status.h"

namespace ctrl::kube {

const char* codeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NotFound";
    case Code::kAlreadyExists:
      return "AlreadyExists";
    case Code::kConflict:
      return "Conflict";
    case Code::kInvalid:
      return "Invalid";
    case Code::kGone:
      return "Gone";
    case Code::kForbidden:
      return "Forbidden";
    case Code::kUnauthorized:
      return "Unauthorized";
    case Code::kTooManyRequests:
      return "TooManyRequests";
    case Code::kBadRequest:
      return "BadRequest";
    case Code::kMethodNotAllowed:
      return "MethodNotAllowed";
    case Code::kServerError:
      return "ServerError";
    case Code::kTimeout:
      return "Timeout";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kCancelled:
      return "Cancelled";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

std::string Status::toString() const {
  if (isOk()) return "OK";
  std::string out = codeName(code_);
  if (!message_.empty()) out += ": " + message_;
  return out;
}

bool isRetryable(const Status& s) {
  switch (s.code()) {
    case Code::kTooManyRequests:
    case Code::kServerError:
    case Code::kTimeout:
    case Code::kUnavailable:
      return true;
    default:
      return false;
  }
}

}  // namespace ctrl::kube
