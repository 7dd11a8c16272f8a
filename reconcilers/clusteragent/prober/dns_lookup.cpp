#include "reconcilers/clusteragent/prober/dns_lookup.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "reconcilers/clusteragent/prober/tcp_connect.h"

namespace clusteragent::prober {
namespace {

// Shared by the waiting prober and the lookup thread; whoever leaves last frees it.
struct Lookup {
  std::mutex mu;
  std::condition_variable done;
  bool finished = false;
  AddrInfoPtr addresses;
  std::string error;
};

}  // namespace

DnsLookupResult lookupHost(const std::string& host, uint16_t port,
                           std::chrono::milliseconds timeout, const AddrInfoFunction& resolve) {
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host, service = std::to_string(port), resolve] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* raw = nullptr;
    const int gai = resolve(host.c_str(), service.c_str(), &hints, &raw);
    const std::string why =
        gai == 0 ? "" : (gai == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(gai));
    std::lock_guard<std::mutex> lock(lookup->mu);
    lookup->addresses.reset(raw);
    lookup->error = why;
    lookup->finished = true;
    lookup->done.notify_all();
  }).detach();

  std::unique_lock<std::mutex> lock(lookup->mu);
  DnsLookupResult result;
  if (!lookup->done.wait_for(lock, timeout, [&] { return lookup->finished; })) {
    result.error = "no answer within " + formatDuration(timeout);
    return result;
  }
  result.addresses = std::move(lookup->addresses);
  result.error = std::move(lookup->error);
  return result;
}

}  // namespace clusteragent::prober
