#pragma once
// The TCP part of a probe: resolve a name and connect to its addresses in
// turn, each attempt bounded, on a non-blocking socket the TLS stage reuses.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

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

// A stage's failure: the condition reason and the message for people.
struct ProbeFailure {
  ProbeReason reason;
  std::string message;
};

struct TcpConnection {
  UniqueFd fd;          // non-blocking, connected
  std::string address;  // "ip:port" / "[ip6]:port"
};

// Resolves `host` (getaddrinfo, bounded by `timeoutPerAttempt`; failure is
// DNSError with the resolver's message) and connects to each address until
// one accepts, giving each `timeoutPerAttempt`. `what` names the peer in messages ("server",
// "proxy"). When every address fails: ConnectionRefused if any refused (the host is there, the port
// is not), else Timeout if any timed out, else ConnectionRefused carrying the system's error
// (unreachable network, ...).
struct TcpConnectResult {
  std::optional<ProbeFailure> failure;
  TcpConnection connection;
};
TcpConnectResult connectTcp(const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeoutPerAttempt, const std::string& what);

// "host:port", bracketing IPv6 literals.
std::string joinHostPort(const std::string& host, uint16_t port);

// "5s", "1500ms": for messages.
std::string formatDuration(std::chrono::milliseconds d);

// Waits until fd is readable (events=POLLIN) or writable (POLLOUT) or the
// deadline passes; false on timeout. Retries on EINTR.
bool waitForFd(int fd, short events, std::chrono::steady_clock::time_point deadline);

}  // namespace clusteragent::prober
