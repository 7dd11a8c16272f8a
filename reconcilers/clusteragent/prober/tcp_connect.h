#pragma once
// The TCP part of a probe: resolve a name and connect to its addresses in
// turn, each attempt bounded, on a non-blocking socket the TLS stage reuses.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/prober/dns_lookup.h"
#include "reconcilers/clusteragent/prober/tls_prober.h"

namespace clusteragent::prober {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A stage's failure: the condition reason, the message for status and the
// detail for the log (ProbeResult's fields of the same names).
struct ProbeFailure {
  ProbeReason reason;
  std::string message;
  std::string detail;
};

// At most this many resolved addresses are connected to per probe: a name
// with hundreds of records must not turn one probe into a sweep.
inline constexpr size_t kMaxAddressesTried = 4;

struct TcpConnection {
  UniqueFd fd;          // non-blocking, connected
  std::string address;  // "ip:port" / "[ip6]:port"
};

// Resolves `host` (getaddrinfo; failure is DNSError with the resolver's
// message), drops the addresses `policy` refuses, and connects to the rest in
// turn (at most kMaxAddressesTried) until one accepts, all before `deadline`.
// Each attempt gets attemptBudget of the time left. `what` names the peer in messages
// ("server", "proxy"). Failures: ProbeRefused when the policy refused every
// address (the message names the rule, never the address); else
// ConnectionRefused if any refused (the host is there, the port is not), else
// Timeout if any timed out, else ConnectionRefused carrying the system's error
// (unreachable network, ...). Addresses appear only in the failure's detail.
struct TcpConnectResult {
  std::optional<ProbeFailure> failure;
  TcpConnection connection;
};
TcpConnectResult connectTcp(const std::string& host, uint16_t port,
                            std::chrono::steady_clock::time_point deadline, const std::string& what,
                            const AddressPolicy& policy,
                            const AddrInfoFunction& resolve = ::getaddrinfo);

// One connect attempt's share of the probe's time left, as Go's dialer
// computes it: `left` split over the `addressesLeft` still to try, but at
// least 2 s (or all of `left`, when less remains).
std::chrono::milliseconds attemptBudget(std::chrono::milliseconds left, size_t addressesLeft);

// The status message of a target the address rules refuse: the rule, the
// peer and how an admin allows it; never the address it resolved to.
std::string refusedMessage(AddressRule rule, const std::string& what, const std::string& hostPort);

// "host:port", bracketing IPv6 literals.
std::string joinHostPort(const std::string& host, uint16_t port);

// "5s", "1500ms": for messages.
std::string formatDuration(std::chrono::milliseconds d);

// Waits until fd is readable (events=POLLIN) or writable (POLLOUT) or the
// deadline passes; false on timeout. Retries on EINTR.
bool waitForFd(int fd, short events, std::chrono::steady_clock::time_point deadline);

}  // namespace clusteragent::prober
