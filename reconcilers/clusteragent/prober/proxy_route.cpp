#include "reconcilers/clusteragent/prober/proxy_route.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "reconcilers/clusteragent/prober/ip_address.h"

namespace clusteragent::prober {
namespace {

using ctrl::kube::Code;
using ctrl::kube::Status;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool parsePort(const std::string& s, uint16_t* out) {
  if (s.empty() || s.size() > 5) return false;
  unsigned long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port". A bare IPv6 literal
// (several colons, no brackets) is all host.
bool splitHostPort(const std::string& in, std::string* host, std::string* port) {
  if (!in.empty() && in[0] == '[') {
    size_t close = in.find(']');
    if (close == std::string::npos) return false;
    *host = in.substr(1, close - 1);
    std::string rest = in.substr(close + 1);
    if (rest.empty()) return true;
    if (rest[0] != ':') return false;
    *port = rest.substr(1);
    return true;
  }
  size_t colon = in.rfind(':');
  if (colon != std::string::npos && in.find(':') == colon) {
    *host = in.substr(0, colon);
    *port = in.substr(colon + 1);
  } else {
    *host = in;
  }
  return true;
}

bool entryMatches(const std::string& rawEntry, const std::string& host, const IpAddress* hostIp,
                  uint16_t port) {
  std::string entry = lower(trim(rawEntry));
  if (entry.empty()) return false;
  if (entry == "*") return true;
  if (entry.find('/') != std::string::npos) {
    auto cidr = parseCidr(entry);
    return hostIp != nullptr && cidr.isOk() && cidr->contains(*hostIp);
  }

  std::string entryHost, entryPort;
  if (!splitHostPort(entry, &entryHost, &entryPort)) return false;
  if (!entryPort.empty()) {
    uint16_t p = 0;
    if (!parsePort(entryPort, &p) || p != port) return false;
  }
  if (auto entryIp = parseIp(entryHost)) return hostIp != nullptr && *hostIp == *entryIp;
  if (entryHost.rfind("*.", 0) == 0) entryHost = entryHost.substr(1);
  if (!entryHost.empty() && entryHost[0] == '.') entryHost = entryHost.substr(1);
  if (entryHost.empty()) return false;
  if (host == entryHost) return true;
  return host.size() > entryHost.size() &&
         host.compare(host.size() - entryHost.size(), entryHost.size(), entryHost) == 0 &&
         host[host.size() - entryHost.size() - 1] == '.';
}

std::string percentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string base64(const std::string& in) {
  std::vector<unsigned char> out(4 * ((in.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n));
}

}  // namespace

std::string ProxyEndpoint::display() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ctrl::kube::StatusOr<ProxyEndpoint> parseProxyUrl(const std::string& url) {
  std::string rest = trim(url);
  // Userinfo is wherever an '@' is, even past a '/' that ends the authority
  // ("user:pa/ss@proxy" has host "user" and port "pa"): with one anywhere, no
  // part of the URL goes into a message.
  const bool mayHoldCredentials = rest.find('@') != std::string::npos;
  auto quoted = [&](const std::string& part) {
    return mayHoldCredentials ? std::string() : " \"" + part + "\"";
  };
  const size_t scheme = rest.find("://");
  if (scheme != std::string::npos) {
    const std::string s = lower(rest.substr(0, scheme));
    if (s == "https") {
      return Status(Code::kInvalidArgument,
                    "https:// proxy URLs (TLS to the proxy) are not supported; use http://");
    }
    if (s != "http") {
      return Status(Code::kInvalidArgument,
                    "proxy URL scheme" + quoted(s) + " is not supported; use http://");
    }
    rest = rest.substr(scheme + 3);
  }
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) rest = rest.substr(0, slash);

  ProxyEndpoint p;
  const size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    p.proxyAuthorization = "Basic " + base64(percentDecode(rest.substr(0, at)));
    rest = rest.substr(at + 1);
  }
  std::string port;
  if (!splitHostPort(rest, &p.host, &port) || p.host.empty()) {
    return Status(Code::kInvalidArgument, "proxy URL has no host");
  }
  if (!port.empty() && !parsePort(port, &p.port)) {
    return Status(Code::kInvalidArgument, "proxy URL port" + quoted(port) + " is not a valid port");
  }
  return p;
}

bool bypassesProxy(const std::string& rawHost, uint16_t port, const std::string& noProxy) {
  std::string host = lower(rawHost);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  const std::optional<IpAddress> ip = parseIp(host);
  size_t start = 0;
  while (start <= noProxy.size()) {
    size_t comma = noProxy.find(',', start);
    if (comma == std::string::npos) comma = noProxy.size();
    if (entryMatches(noProxy.substr(start, comma - start), host, ip ? &*ip : nullptr, port)) {
      return true;
    }
    start = comma + 1;
  }
  return false;
}

}  // namespace clusteragent::prober
