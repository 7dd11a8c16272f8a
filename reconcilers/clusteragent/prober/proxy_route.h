#pragma once
// Which way a probe goes out: straight to the server, or through the
// egress proxy (spec.proxy.httpsProxy / noProxy, the same values the agent
// gets as HTTPS_PROXY / NO_PROXY), so the operator tests the path the agent
// will take.

#include <cstdint>
#include <string>

#include "controller/kube/status.h"

namespace clusteragent::prober {

struct ProxyEndpoint {
  std::string host;
  uint16_t port = 80;
  // "Basic <base64>" when the URL carries userinfo; goes only into the
  // CONNECT request, never into a message.
  std::string proxyAuthorization;
  // host:port, for messages: the URL without its credentials.
  std::string display() const;
};

// Parses "http://[user[:password]@]host[:port][/]" (scheme optional, port
// defaults to 80). https:// proxies (TLS to the proxy) are not supported.
// Error messages never repeat the userinfo.
ctrl::kube::StatusOr<ProxyEndpoint> parseProxyUrl(const std::string& url);

// NO_PROXY semantics as curl and Go apply them: comma-separated entries;
// "*" matches everything; "example.com", ".example.com" and "*.example.com"
// match the domain and its subdomains; IP literals match exactly and CIDRs
// match contained addresses; an entry with ":port" matches only that port.
// Case-insensitive; whitespace around entries is ignored.
bool bypassesProxy(const std::string& host, uint16_t port, const std::string& noProxy);

}  // namespace clusteragent::prober
