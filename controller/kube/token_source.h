#pragma once
// The bearer token for requests: a fixed token, or a file (projected
// ServiceAccount tokens rotate) re-read when the cached copy is older than
// the refresh interval or after the server answered 401.

#include <chrono>
#include <mutex>
#include <string>

#include "controller/clock/clock.h"
#include "controller/kube/status.h"

namespace ctrl::kube {

class TokenSource {
 public:
  TokenSource(std::string staticToken, std::string tokenFile,
              ClockPtr clock = std::make_shared<RealClock>(),
              std::chrono::seconds refreshAfter = std::chrono::seconds(60));

  // "" when the config has no token (client certificates only).
  StatusOr<std::string> token();
  // Forces the next token() to re-read the file (after a 401).
  void invalidate();
  bool fromFile() const { return !token_file_.empty(); }

 private:
  std::string static_token_;
  std::string token_file_;
  ClockPtr clock_;
  std::chrono::seconds refresh_after_;
  std::mutex mu_;
  std::string cached_;
  bool loaded_ = false;
  std::chrono::steady_clock::time_point loaded_at_;
};

// Reads a token file, trimming surrounding whitespace. Errors name the file,
// never its content.
StatusOr<std::string> readTokenFile(const std::string& path);

}  // namespace ctrl::kube
