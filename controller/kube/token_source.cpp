#include "controller/kube/token_source.h"

#include <fstream>
#include <sstream>

namespace ctrl::kube {

StatusOr<std::string> readTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, "cannot read token file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  const char* ws = " \t\r\n";
  auto b = t.find_first_not_of(ws);
  if (b == std::string::npos) {
    return Status(Code::kInvalidArgument, "token file " + path + " is empty");
  }
  auto e = t.find_last_not_of(ws);
  return t.substr(b, e - b + 1);
}

TokenSource::TokenSource(std::string staticToken, std::string tokenFile, ClockPtr clock,
                         std::chrono::seconds refreshAfter)
    : static_token_(std::move(staticToken)),
      token_file_(std::move(tokenFile)),
      clock_(std::move(clock)),
      refresh_after_(refreshAfter) {}

StatusOr<std::string> TokenSource::token() {
  if (token_file_.empty()) return static_token_;
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_->now();
  if (loaded_ && now - loaded_at_ < refresh_after_) return cached_;
  auto t = readTokenFile(token_file_);
  if (!t.isOk()) {
    // Keep serving the last good token (or the inline one) while the file is being rotated.
    if (loaded_) return cached_;
    if (!static_token_.empty()) return static_token_;
    return t.status();
  }
  cached_ = std::move(t).value();
  loaded_ = true;
  loaded_at_ = now;
  return cached_;
}

void TokenSource::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = false;
}

}  // namespace ctrl::kube
