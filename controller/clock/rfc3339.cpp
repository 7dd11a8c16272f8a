#include "controller/clock/rfc3339.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ctrl {

std::string formatRfc3339(std::chrono::system_clock::time_point t, int fractionDigits) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  if (secs > t) secs -= std::chrono::seconds(1);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (fractionDigits == 3) {
    std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(micros / 1000));
  } else if (fractionDigits == 6) {
    std::snprintf(buf + n, sizeof(buf) - n, ".%06dZ", static_cast<int>(micros));
  } else {
    std::snprintf(buf + n, sizeof(buf) - n, "Z");
  }
  return buf;
}

std::string formatMicroTime(std::chrono::system_clock::time_point t) {
  return formatRfc3339(t, 6);
}

bool parseRfc3339(const std::string& s, std::chrono::system_clock::time_point* out) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t pos = static_cast<size_t>(consumed);
  long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) {
        micros = micros * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  if (pos >= s.size() || s[pos] != 'Z') return false;
  *out = std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::microseconds(micros);
  return true;
}

}  // namespace ctrl
