#include "reconcilers/clusteragent/prober/address_policy.h"

#include <algorithm>
#include <cctype>

namespace clusteragent::prober {
namespace {

// The fixed ranges. 0.0.0.0/8 ("this network", RFC 1122) rather than only
// 0.0.0.0: none of it is a destination, and Linux treats 0.0.0.0 as itself.
struct FixedRanges {
  Cidr unspecified4 = *parseCidr("0.0.0.0/8");
  Cidr unspecified6 = *parseCidr("::/128");
  Cidr loopback4 = *parseCidr("127.0.0.0/8");
  Cidr loopback6 = *parseCidr("::1/128");
  Cidr linkLocal4 = *parseCidr("169.254.0.0/16");
  Cidr linkLocal6 = *parseCidr("fe80::/10");
};

const FixedRanges& fixed() {
  static const FixedRanges ranges;
  return ranges;
}

bool anyContains(const std::vector<Cidr>& cidrs, const IpAddress& ip) {
  return std::any_of(cidrs.begin(), cidrs.end(), [&](const Cidr& c) { return c.contains(ip); });
}

bool isLocalhostName(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!host.empty() && host.back() == '.') host.pop_back();
  const std::string suffix = ".localhost";
  return host == "localhost" ||
         (host.size() > suffix.size() &&
          host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
}

}  // namespace

const char* addressRuleName(AddressRule rule) {
  switch (rule) {
    case AddressRule::kAllowed:
      return "allowed";
    case AddressRule::kUnspecified:
      return "unspecified";
    case AddressRule::kLoopback:
      return "loopback";
    case AddressRule::kLinkLocal:
      return "link-local";
    case AddressRule::kDeniedCidr:
      return "--probe-deny-cidrs";
  }
  return "unknown";
}

AddressRule AddressPolicy::classify(const IpAddress& raw) const {
  const IpAddress ip = raw.unmapped();
  const FixedRanges& f = fixed();
  if (f.unspecified4.contains(ip) || f.unspecified6.contains(ip)) {
    return AddressRule::kUnspecified;
  }
  AddressRule rule = AddressRule::kAllowed;
  if (f.loopback4.contains(ip) || f.loopback6.contains(ip)) {
    rule = AddressRule::kLoopback;
  } else if (f.linkLocal4.contains(ip) || f.linkLocal6.contains(ip)) {
    rule = AddressRule::kLinkLocal;
  } else if (anyContains(denyCidrs, ip)) {
    rule = AddressRule::kDeniedCidr;
  }
  if (rule != AddressRule::kAllowed && anyContains(allowCidrs, ip)) return AddressRule::kAllowed;
  return rule;
}

AddressRule AddressPolicy::classifyUnresolved(const std::string& rawHost) const {
  std::string host = rawHost;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (auto ip = parseIp(host)) return classify(*ip);
  if (isLocalhostName(host)) return classify(fixed().loopback4.network);
  return AddressRule::kAllowed;
}

}  // namespace clusteragent::prober
