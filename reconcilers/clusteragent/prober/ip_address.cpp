#include "reconcilers/clusteragent/prober/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace clusteragent::prober {

using ctrl::kube::Code;
using ctrl::kube::Status;

IpAddress IpAddress::unmapped() const {
  if (family != AF_INET6) return *this;
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return *this;
  }
  if (bytes[10] != 0xff || bytes[11] != 0xff) return *this;
  IpAddress v4;
  v4.family = AF_INET;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = bytes[12 + i];
  return v4;
}

std::optional<IpAddress> parseIp(const std::string& s) {
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

std::optional<IpAddress> ipOf(const sockaddr* sa) {
  IpAddress ip;
  ip.family = sa->sa_family;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(ip.bytes.data(), &in->sin_addr, 4);
    return ip;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

bool Cidr::contains(const IpAddress& raw) const {
  const IpAddress ip = raw.unmapped();
  if (ip.family != network.family) return false;
  for (int i = 0; i < prefixBits; ++i) {
    const unsigned char mask = static_cast<unsigned char>(0x80 >> (i % 8));
    if ((ip.bytes[i / 8] & mask) != (network.bytes[i / 8] & mask)) return false;
  }
  return true;
}

std::string Cidr::toString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(network.family, network.bytes.data(), buf, sizeof(buf));
  return std::string(buf) + "/" + std::to_string(prefixBits);
}

ctrl::kube::StatusOr<Cidr> parseCidr(const std::string& s) {
  const size_t slash = s.find('/');
  auto ip = parseIp(s.substr(0, slash));
  if (!ip) return Status(Code::kInvalidArgument, "\"" + s + "\" is not an IP address or CIDR");
  Cidr c;
  c.network = ip->unmapped();
  const int maxBits = c.network.family == AF_INET ? 32 : 128;
  if (slash == std::string::npos) {
    c.prefixBits = maxBits;
    return c;
  }
  const std::string len = s.substr(slash + 1);
  int bits = 0;
  bool digits = !len.empty() && len.size() <= 3;
  for (char ch : len) {
    digits = digits && ch >= '0' && ch <= '9';
    if (digits) bits = bits * 10 + (ch - '0');
  }
  // A mapped network keeps its prefix relative to the IPv4 address.
  if (ip->family == AF_INET6 && c.network.family == AF_INET) bits -= 96;
  if (!digits || bits < 0 || bits > maxBits) {
    return Status(Code::kInvalidArgument,
                  "\"" + s + "\": the prefix length must be 0.." + std::to_string(maxBits));
  }
  c.prefixBits = bits;
  return c;
}

}  // namespace clusteragent::prober
