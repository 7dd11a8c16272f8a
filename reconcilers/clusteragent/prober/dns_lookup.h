#pragma once
// getaddrinfo with a deadline. glibc's resolver waits out its own timeouts
// (5 s per server and attempt by default), so a silent DNS server would hold a
// prober slot well past the probe's bound. The lookup runs on a thread of its
// own; when it does not answer in time the probe gives up on it (the thread
// finishes, and frees its result, whenever the resolver returns).

#include <netdb.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace clusteragent::prober {

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// getaddrinfo's signature: the seam tests use to stand in for a slow resolver.
using AddrInfoFunction =
    std::function<int(const char* node, const char* service, const addrinfo* hints, addrinfo**)>;

struct DnsLookupResult {
  AddrInfoPtr addresses;  // set on success
  std::string error;      // set on failure: the resolver's message, or that it timed out
};

DnsLookupResult lookupHost(const std::string& host, uint16_t port,
                           std::chrono::milliseconds timeout,
                           const AddrInfoFunction& resolve = ::getaddrinfo);

}  // namespace clusteragent::prober
