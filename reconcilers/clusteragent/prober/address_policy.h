#pragma once
// Which addresses the operator's own prober may connect to. serverAddr and
// spec.proxy.httpsProxy are written by whoever may create a ClusterAgent, and
// the operator runs with its own network position (host-network neighbours,
// the cloud metadata service, the cluster's Services and Pods): without
// rules, a ClusterAgent would turn the prober into a port scanner that
// reports what answers. So loopback, link-local (169.254.169.254 included),
// unspecified addresses and the CIDRs an admin lists (--probe-deny-cidrs, the
// cluster's Service and Pod ranges) are refused, unless an admin allows a
// range (--probe-allow-cidrs). The rules apply to resolved addresses, so a
// name that resolves to 127.0.0.1 is refused as 127.0.0.1 is.

#include <optional>
#include <string>
#include <vector>

#include "reconcilers/clusteragent/prober/ip_address.h"

namespace clusteragent::prober {

// Why an address may not be probed; kAllowed when it may.
enum class AddressRule { kAllowed, kUnspecified, kLoopback, kLinkLocal, kDeniedCidr };

// For messages: "loopback", "link-local", "unspecified", "--probe-deny-cidrs".
const char* addressRuleName(AddressRule rule);

struct AddressPolicy {
  std::vector<Cidr> denyCidrs;  // --probe-deny-cidrs
  // --probe-allow-cidrs: probed even though a rule above refuses them
  // (unspecified addresses excepted, 0.0.0.0/8 and ::: connecting to them reaches
  // this host's loopback, and no principal is ever there).
  std::vector<Cidr> allowCidrs;

  AddressRule classify(const IpAddress& ip) const;

  // For a host the operator will not resolve itself (the target of a proxy
  // tunnel, which the proxy resolves): the rule an IP literal or a
  // "localhost" name (RFC 6761) breaks; kAllowed for any other name.
  AddressRule classifyUnresolved(const std::string& host) const;
};

}  // namespace clusteragent::prober
