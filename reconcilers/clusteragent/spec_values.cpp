#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reconcilers/clusteragent/spec.h"

// The single values of a ClusterAgent checked on their own, as the CRD's
// patterns and rules check them (spec.cpp reads whole objects with them).

namespace clusteragent {
namespace {

bool isDnsName(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    std::string label =
        host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (label.front() == '-' || label.back() == '-') return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

bool isDns1123Label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

// The CRD's rule ^([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@ as a loop.
bool proxyUrlHasUserinfo(const std::string& url) {
  size_t start = 0;
  if (auto p = url.find("://"); p != std::string::npos) {
    const std::string scheme = url.substr(0, p);
    bool isScheme = !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme[0]));
    for (unsigned char c : scheme) {
      if (!std::isalnum(c) && c != '+' && c != '.' && c != '-') isScheme = false;
    }
    if (isScheme) start = p + 3;
  }
  const size_t end = url.find_first_of("/?#", start);
  const size_t at = url.find('@', start);
  return at != std::string::npos && (end == std::string::npos || at < end);
}

bool isClusterAgentName(const std::string& s) {
  return s.size() <= kMaxClusterAgentNameLength && isDns1123Label(s) && s.front() >= 'a' &&
         s.front() <= 'z';
}

// The CRD's pattern ^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$, matched by a
// loop: libstdc++'s std::regex recurses per repetition of the group, and a
// value of some thousand units (the pattern sets no length) overflowed the
// stack and killed the operator.
bool isGoDuration(const std::string& s) {
  // Two-letter units first: "1ms" is milliseconds, not a minute and a stray "s".
  static const std::string kUnits[] = {"ns", "us", "µs", "ms", "s", "m", "h"};
  auto digits = [&](size_t* i) {
    const size_t start = *i;
    while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') ++*i;
    return *i > start;
  };
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (!digits(&i)) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (!digits(&i)) return false;
    }
    bool unit = false;
    for (const std::string& u : kUnits) {
      if (s.compare(i, u.size(), u) == 0) {
        i += u.size();
        unit = true;
        break;
      }
    }
    if (!unit) return false;
  }
  return true;
}

std::optional<ServerAddress> parseServerAddr(const std::string& addr, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<ServerAddress> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (addr.empty()) return fail("must not be empty");
  for (char c : addr) {
    if (std::isspace(static_cast<unsigned char>(c))) return fail("must not contain whitespace");
  }
  std::string rest = addr;
  bool hasScheme = false;
  if (auto p = rest.find("://"); p != std::string::npos) {
    std::string scheme = rest.substr(0, p);
    if (scheme != "https") {
      return fail("unsupported scheme \"" + scheme + "\": use https://host[:port] or host:port");
    }
    hasScheme = true;
    rest = rest.substr(p + 3);
  }
  if (rest.find_first_of("/?#") != std::string::npos) {
    return fail("must not contain a path, query or fragment: use https://host[:port]");
  }
  if (rest.find('@') != std::string::npos) return fail("must not contain user info");

  ServerAddress out;
  std::string portText;
  bool hasPort = false;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return fail("unterminated IPv6 address");
    out.host = rest.substr(1, close - 1);
    if (out.host.empty() ||
        out.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos ||
        out.host.find(':') == std::string::npos) {
      return fail("invalid IPv6 address");
    }
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected characters after the IPv6 address");
      hasPort = true;
      portText = after.substr(1);
    }
  } else {
    auto colon = rest.find(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string::npos) {
      hasPort = true;
      portText = rest.substr(colon + 1);
    }
    if (out.host.empty()) return fail("missing host");
    if (!isDnsName(out.host)) return fail("invalid host \"" + out.host + "\"");
  }
  if (hasPort) {
    if (portText.empty() || portText.size() > 5 ||
        portText.find_first_not_of("0123456789") != std::string::npos) {
      return fail("invalid port");
    }
    int port = std::stoi(portText);
    if (port < 1 || port > 65535) return fail("port must be between 1 and 65535");
    out.port = port;
  } else if (!hasScheme) {
    return fail("a bare host needs a port (host:port) or the https:// scheme");
  }
  return out;
}

size_t nestingDepth(const nlohmann::json& v) {
  size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, size_t>> todo{{&v, 0}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *node) todo.emplace_back(&child, depth + 1);
  }
  return deepest;
}

}  // namespace clusteragent
