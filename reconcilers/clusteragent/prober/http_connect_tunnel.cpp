#include "reconcilers/clusteragent/prober/http_connect_tunnel.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace clusteragent::prober {
namespace {

constexpr size_t kMaxResponseHeader = 16 * 1024;

std::optional<ProbeFailure> timeoutFailure(const ProxyEndpoint& proxy, const std::string& target) {
  return ProbeFailure{ProbeReason::kTimeout,
                      "proxy " + proxy.display() + " did not answer CONNECT " + target + " in time",
                      ""};
}

}  // namespace

std::optional<ProbeFailure> openConnectTunnel(int fd, const ProxyEndpoint& proxy,
                                              const std::string& host, uint16_t port,
                                              std::chrono::steady_clock::time_point deadline) {
  const std::string target = joinHostPort(host, port);
  std::string request = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
  if (!proxy.proxyAuthorization.empty()) {
    request += "Proxy-Authorization: " + proxy.proxyAuthorization + "\r\n";
  }
  request += "\r\n";

  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!waitForFd(fd, POLLOUT, deadline)) return timeoutFailure(proxy, target);
    } else {
      return ProbeFailure{
          ProbeReason::kConnectionRefused,
          "proxy " + proxy.display() + " closed the connection: " + std::strerror(errno), ""};
    }
  }

  // Byte by byte: anything past the blank line belongs to the tunnel.
  std::string header;
  while (header.size() < 4 || header.compare(header.size() - 4, 4, "\r\n\r\n") != 0) {
    if (header.size() >= kMaxResponseHeader) {
      return ProbeFailure{ProbeReason::kConnectionRefused,
                          "proxy " + proxy.display() + " sent an oversized CONNECT response", ""};
    }
    char c = 0;
    const ssize_t n = recv(fd, &c, 1, 0);
    if (n == 1) {
      header.push_back(c);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!waitForFd(fd, POLLIN, deadline)) return timeoutFailure(proxy, target);
    } else {
      return ProbeFailure{
          ProbeReason::kConnectionRefused,
          "proxy " + proxy.display() + " closed the connection before answering CONNECT " + target,
          ""};
    }
  }

  // Untrusted input: one line, bounded, and only in the log's detail.
  const std::string statusLine = header.substr(0, std::min<size_t>(header.find("\r\n"), 120));
  // "HTTP/1.1 200 Connection established"
  const size_t sp = statusLine.find(' ');
  const std::string code = sp == std::string::npos ? "" : statusLine.substr(sp + 1, 3);
  if (statusLine.rfind("HTTP/", 0) == 0 && code.size() == 3 && code[0] == '2') return std::nullopt;

  std::string hint;
  if (code == "407") hint = "; the proxy wants credentials (user:password in the proxy URL)";
  if (code == "403") hint = "; the proxy does not allow this destination";
  if (code == "502" || code == "503" || code == "504") {
    hint = "; the proxy could not reach the server";
  }
  // Status gets the code only when it is one, never the proxy's words.
  const bool numeric = code.size() == 3 && std::all_of(code.begin(), code.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  return ProbeFailure{ProbeReason::kConnectionRefused,
                      "proxy " + proxy.display() + " refused CONNECT " + target +
                          (numeric ? " (HTTP " + code + ")" : " (not an HTTP answer)") + hint,
                      "proxy answered \"" + statusLine + "\""};
}

}  // namespace clusteragent::prober
