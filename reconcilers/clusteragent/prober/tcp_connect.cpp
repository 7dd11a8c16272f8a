#include "reconcilers/clusteragent/prober/tcp_connect.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "reconcilers/clusteragent/prober/dns_lookup.h"

namespace clusteragent::prober {
namespace {

using Clock = std::chrono::steady_clock;

std::string formatAddress(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
    return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
  }
  auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
  return "[" + std::string(buf) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

enum class AttemptOutcome { kConnected, kRefused, kTimedOut, kOtherError };

struct Attempt {
  AttemptOutcome outcome;
  std::string address;
  std::string error;
};

Attempt connectOne(const addrinfo* ai, std::chrono::milliseconds timeout, UniqueFd* out) {
  Attempt a{AttemptOutcome::kOtherError, formatAddress(ai->ai_addr), ""};
  UniqueFd fd(
      socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
  if (!fd.valid()) {
    a.error = std::strerror(errno);
    return a;
  }
  int rc = connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
  int err = rc == 0 ? 0 : errno;
  if (err == EINPROGRESS) {
    if (!waitForFd(fd.get(), POLLOUT, Clock::now() + timeout)) {
      a.outcome = AttemptOutcome::kTimedOut;
      a.error = "timed out after " + formatDuration(timeout);
      return a;
    }
    socklen_t len = sizeof(err);
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  }
  if (err == 0) {
    a.outcome = AttemptOutcome::kConnected;
    *out = std::move(fd);
    return a;
  }
  a.outcome = err == ECONNREFUSED ? AttemptOutcome::kRefused : AttemptOutcome::kOtherError;
  a.error = err == ECONNREFUSED ? "connection refused" : std::strerror(err);
  return a;
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

std::string joinHostPort(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string formatDuration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

bool waitForFd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (rc > 0) return true;  // ready, or an error/hangup the next call reports
    if (rc < 0 && errno != EINTR) return true;
  }
}

TcpConnectResult connectTcp(const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeoutPerAttempt, const std::string& what) {
  TcpConnectResult result;
  const std::string target = joinHostPort(host, port);

  DnsLookupResult lookup = lookupHost(host, port, timeoutPerAttempt);
  AddrInfoPtr addrs = std::move(lookup.addresses);
  if (!addrs) {
    result.failure =
        ProbeFailure{ProbeReason::kDNSError, "cannot resolve " + what + " host \"" + host +
                                                 "\": " + lookup.error +
                                                 " (check the name and the cluster's DNS)"};
    return result;
  }

  std::vector<Attempt> attempts;
  for (const addrinfo* ai = addrs.get(); ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    UniqueFd fd;
    Attempt a = connectOne(ai, timeoutPerAttempt, &fd);
    if (a.outcome == AttemptOutcome::kConnected) {
      result.connection.fd = std::move(fd);
      result.connection.address = a.address;
      return result;
    }
    attempts.push_back(std::move(a));
  }

  bool anyRefused = false, anyTimedOut = false;
  std::string details;
  for (const auto& a : attempts) {
    anyRefused |= a.outcome == AttemptOutcome::kRefused;
    anyTimedOut |= a.outcome == AttemptOutcome::kTimedOut;
    details += (details.empty() ? "" : "; ") + a.address + ": " + a.error;
  }
  if (attempts.empty()) details = "no IPv4/IPv6 address";
  if (anyRefused || !anyTimedOut) {
    result.failure =
        ProbeFailure{ProbeReason::kConnectionRefused,
                     "cannot connect to " + what + " " + target + " (" + details +
                         "); check the address and port, and that the " + what + " is running"};
  } else {
    result.failure = ProbeFailure{
        ProbeReason::kTimeout, "connecting to " + what + " " + target + " timed out (" + details +
                                   "); a firewall or missing egress route may drop the traffic"};
  }
  return result;
}

}  // namespace clusteragent::prober
