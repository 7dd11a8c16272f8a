#include "controller/apply/quantity.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

namespace ctrl::apply {
namespace {

const std::map<std::string, long double>& suffixes() {
  static const std::map<std::string, long double> m = {
      {"", 1.0L},
      {"n", 1e-9L},
      {"u", 1e-6L},
      {"m", 1e-3L},
      {"k", 1e3L},
      {"M", 1e6L},
      {"G", 1e9L},
      {"T", 1e12L},
      {"P", 1e15L},
      {"E", 1e18L},
      {"Ki", 1024.0L},
      {"Mi", 1024.0L * 1024},
      {"Gi", 1024.0L * 1024 * 1024},
      {"Ti", 1024.0L * 1024 * 1024 * 1024},
      {"Pi", 1024.0L * 1024 * 1024 * 1024 * 1024},
      {"Ei", 1024.0L * 1024 * 1024 * 1024 * 1024 * 1024},
  };
  return m;
}

}  // namespace

std::optional<long double> parseQuantity(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  size_t digitsStart = i;
  bool sawDigit = false;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) {
    if (s[i] != '.') sawDigit = true;
    ++i;
  }
  if (!sawDigit || i == digitsStart) return std::nullopt;
  std::string number = s.substr(0, i);
  std::string rest = s.substr(i);
  long double scale = 1.0L;
  if (!rest.empty() && (rest[0] == 'e' || rest[0] == 'E') && rest.size() > 1 &&
      (std::isdigit(static_cast<unsigned char>(rest[1])) || rest[1] == '-' || rest[1] == '+')) {
    char* end = nullptr;
    long exp = std::strtol(rest.c_str() + 1, &end, 10);
    if (*end != '\0') return std::nullopt;
    scale = std::pow(10.0L, static_cast<long double>(exp));
  } else {
    auto it = suffixes().find(rest);
    if (it == suffixes().end()) return std::nullopt;
    scale = it->second;
  }
  char* end = nullptr;
  long double v = std::strtold(number.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v * scale;
}

bool quantitiesEqual(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto qa = parseQuantity(a);
  auto qb = parseQuantity(b);
  if (!qa || !qb) return false;
  long double diff = std::fabs(*qa - *qb);
  long double mag = std::max(std::fabs(*qa), std::fabs(*qb));
  return diff <= mag * 1e-12L;
}

}  // namespace ctrl::apply
