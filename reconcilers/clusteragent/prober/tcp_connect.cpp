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
#include <optional>
#include <vector>

#include "reconcilers/clusteragent/prober/dns_lookup.h"
#include "reconcilers/clusteragent/prober/ip_address.h"

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

std::chrono::milliseconds attemptBudget(std::chrono::milliseconds left, size_t addressesLeft) {
  // Go's partialDeadline: a connect needs some time of its own, however
  // many addresses are left.
  const std::chrono::milliseconds saneMinimum(2000);
  const auto share = left / static_cast<long>(std::max<size_t>(1, addressesLeft));
  return std::max(share, std::min(left, saneMinimum));
}

std::string refusedMessage(AddressRule rule, const std::string& what, const std::string& hostPort) {
  std::string kind;
  switch (rule) {
    case AddressRule::kDeniedCidr:
      kind = "an address in the operator's --probe-deny-cidrs";
      break;
    case AddressRule::kUnspecified:
      kind = "an unspecified address";
      break;
    default:
      kind = std::string("a ") + addressRuleName(rule) + " address";
  }
  const std::string allow = rule == AddressRule::kUnspecified
                                ? "; such an address is never probed"
                                : "; a cluster admin allows the range with the operator flag "
                                  "--probe-allow-cidrs";
  return "not probed: " + what + " " + hostPort + " is or resolves to " + kind +
         " (the operator does not probe its own host, link-local or cluster-internal addresses"
         " for a ClusterAgent)" +
         allow;
}

TcpConnectResult connectTcp(const std::string& host, uint16_t port,
                            std::chrono::steady_clock::time_point deadline, const std::string& what,
                            const AddressPolicy& policy, const AddrInfoFunction& resolve) {
  TcpConnectResult result;
  const std::string target = joinHostPort(host, port);
  auto left = [&] {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };

  DnsLookupResult lookup = lookupHost(host, port, left(), resolve);
  AddrInfoPtr addrs = std::move(lookup.addresses);
  if (!addrs) {
    result.failure =
        ProbeFailure{ProbeReason::kDNSError,
                     "cannot resolve " + what + " host \"" + host + "\": " + lookup.error +
                         " (check the name and the cluster's DNS)",
                     ""};
    return result;
  }

  // The policy first, over every address, so a refusal names its rule even
  // when the allowed addresses are past the cap.
  std::vector<const addrinfo*> allowed;
  std::optional<AddressRule> refusedBy;
  std::string refusedDetail;
  for (const addrinfo* ai = addrs.get(); ai != nullptr; ai = ai->ai_next) {
    const auto ip = ipOf(ai->ai_addr);
    if (!ip) continue;
    const AddressRule rule = policy.classify(*ip);
    if (rule == AddressRule::kAllowed) {
      allowed.push_back(ai);
      continue;
    }
    if (!refusedBy) refusedBy = rule;
    refusedDetail += (refusedDetail.empty() ? "" : "; ") + formatAddress(ai->ai_addr) +
                     ": refused (" + addressRuleName(rule) + ")";
  }
  if (allowed.empty() && refusedBy) {
    result.failure = ProbeFailure{ProbeReason::kProbeRefused,
                                  refusedMessage(*refusedBy, what, target), refusedDetail};
    return result;
  }
  if (allowed.size() > kMaxAddressesTried) allowed.resize(kMaxAddressesTried);

  std::vector<Attempt> attempts;
  for (size_t i = 0; i < allowed.size(); ++i) {
    UniqueFd fd;
    Attempt a = connectOne(allowed[i], attemptBudget(left(), allowed.size() - i), &fd);
    if (a.outcome == AttemptOutcome::kConnected) {
      result.connection.fd = std::move(fd);
      result.connection.address = a.address;
      return result;
    }
    attempts.push_back(std::move(a));
  }

  bool anyRefused = false, anyTimedOut = false;
  std::string details = refusedDetail;
  for (const auto& a : attempts) {
    anyRefused |= a.outcome == AttemptOutcome::kRefused;
    anyTimedOut |= a.outcome == AttemptOutcome::kTimedOut;
    details += (details.empty() ? "" : "; ") + a.address + ": " + a.error;
  }
  if (attempts.empty()) details = "no IPv4/IPv6 address";
  if (anyRefused || !anyTimedOut) {
    const std::string why = anyRefused ? "connection refused"
                                       : "a network error for every address; the operator's "
                                         "log names each";
    result.failure =
        ProbeFailure{ProbeReason::kConnectionRefused,
                     "cannot connect to " + what + " " + target + " (" + why +
                         "); check the address and port, and that the " + what + " is running",
                     details};
  } else {
    result.failure =
        ProbeFailure{ProbeReason::kTimeout,
                     "connecting to " + what + " " + target +
                         " timed out; a firewall or missing egress route may drop the traffic",
                     details};
  }
  return result;
}

}  // namespace clusteragent::prober
