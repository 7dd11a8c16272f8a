// spec.proxy as the prober reads it: httpsProxy through parseProxyUrl, and
// NO_PROXY matching of the server's host against noProxy. Input: the proxy URL,
// a newline, the host, a newline, then the noProxy list.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcilers/clusteragent/prober/ip_address.h"
#include "reconcilers/clusteragent/prober/proxy_route.h"

namespace {

std::string nextField(std::string& rest) {
  const size_t nl = rest.find('\n');
  std::string field = rest.substr(0, nl);
  rest = nl == std::string::npos ? "" : rest.substr(nl + 1);
  return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string rest(reinterpret_cast<const char*>(data), size);
  const std::string url = nextField(rest);
  const std::string host = nextField(rest);
  const std::string& noProxy = rest;

  auto proxy = clusteragent::prober::parseProxyUrl(url);
  if (proxy.isOk()) {
    if (proxy.value().host.empty()) __builtin_trap();
    (void)proxy.value().display();
  } else if (url.find('@') != std::string::npos &&
             proxy.status().message().find('"') != std::string::npos) {
    // A URL that may hold credentials is never quoted in a message (status).
    __builtin_trap();
  }
  (void)clusteragent::prober::bypassesProxy(host, 443, noProxy);
  (void)clusteragent::prober::parseCidr(host);
  return 0;
}
