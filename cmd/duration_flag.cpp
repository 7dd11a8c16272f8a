#include "cmd/duration_flag.h"

namespace cmd {

std::optional<std::chrono::milliseconds> parseDurationFlag(const std::string& v) {
  size_t i = 0;
  long long n = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
    n = n * 10 + (v[i] - '0');
    if (n > 1'000'000'000LL) return std::nullopt;
    ++i;
  }
  if (i == 0 || n == 0) return std::nullopt;
  const std::string unit = v.substr(i);
  long long ms = 0;
  if (unit == "ms") {
    ms = n;
  } else if (unit == "s") {
    ms = n * 1000;
  } else if (unit == "m") {
    ms = n * 60'000;
  } else if (unit == "h") {
    ms = n * 3'600'000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace cmd
