#pragma once
// IP addresses and CIDR ranges as bytes, shared by NO_PROXY matching
// (proxy_route.h) and the probe's address rules (address_policy.h), so both
// agree on what "in 10.0.0.0/8" means.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <optional>
#include <string>

#include "controller/kube/status.h"

namespace clusteragent::prober {

struct IpAddress {
  int family = 0;                         // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};  // AF_INET: the first 4

  bool operator==(const IpAddress& o) const { return family == o.family && bytes == o.bytes; }
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it
  // reaches; any other address unchanged.
  IpAddress unmapped() const;
};

// An IPv4 or IPv6 literal (no brackets, no zone); nullopt otherwise.
std::optional<IpAddress> parseIp(const std::string& s);

// The address of an AF_INET / AF_INET6 socket address; nullopt for others.
std::optional<IpAddress> ipOf(const sockaddr* sa);

struct Cidr {
  IpAddress network;
  int prefixBits = 0;

  // True when ip (unmapped) is in the range; families must agree.
  bool contains(const IpAddress& ip) const;
  std::string toString() const;  // "10.96.0.0/12"
};

// "a.b.c.d/n" (n ≤ 32) or "v6/n" (n ≤ 128); a bare address is a /32 or
// /128. Host bits may be set (Kubernetes writes CIDRs that way too).
ctrl::kube::StatusOr<Cidr> parseCidr(const std::string& s);

}  // namespace clusteragent::prober
