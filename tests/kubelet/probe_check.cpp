#include "tests/kubelet/probe_check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace processkubelet {

namespace {

using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A connected non-blocking socket, or -1 with *error set.
int connectWithin(const std::string& host, int port, Clock::time_point deadline,
                  std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); rc != 0) {
    *error = "resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int rc = fd < 0 ? -1 : connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  if (rc != 0 && errno != EINPROGRESS) {
    *error = "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, msLeft(deadline)) <= 0) {
      *error = "dial tcp " + host + ":" + std::to_string(port) + ": i/o timeout";
      close(fd);
      return -1;
    }
    int soError = 0;
    socklen_t len = sizeof(soError);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len);
    if (soError != 0) {
      *error = "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(soError);
      close(fd);
      return -1;
    }
  }
  return fd;
}

ProbeOutcome httpGet(const ProbeSpec& spec, const std::string& host, Clock::time_point deadline) {
  std::string error;
  Socket s(connectWithin(host, spec.port, deadline, &error));
  if (s.fd() < 0)
    return {false,
            "Get \"http://" + host + ":" + std::to_string(spec.port) + spec.path + "\": " + error};
  std::string req = "GET " + spec.path + " HTTP/1.1\r\nHost: " + host + ":" +
                    std::to_string(spec.port) +
                    "\r\nUser-Agent: kube-probe/1.34\r\nAccept: */*\r\nConnection: close\r\n";
  for (const auto& [k, v] : spec.httpHeaders) req += k + ": " + v + "\r\n";
  req += "\r\n";
  size_t sent = 0;
  while (sent < req.size()) {
    pollfd p{s.fd(), POLLOUT, 0};
    if (poll(&p, 1, msLeft(deadline)) <= 0) return {false, "request timed out"};
    ssize_t n = send(s.fd(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return {false, std::string("send: ") + std::strerror(errno)};
    sent += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[4096];
  while (resp.find("\r\n") == std::string::npos) {
    pollfd p{s.fd(), POLLIN, 0};
    if (poll(&p, 1, msLeft(deadline)) <= 0) {
      return {false, "Get \"http://" + host + ":" + std::to_string(spec.port) + spec.path +
                         "\": context deadline exceeded (Client.Timeout exceeded while awaiting "
                         "headers)"};
    }
    ssize_t n = recv(s.fd(), buf, sizeof(buf), 0);
    if (n <= 0) return {false, "connection closed before a response"};
    resp.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  const size_t sp = resp.find(' ');
  const int code = sp == std::string::npos ? 0 : std::atoi(resp.c_str() + sp + 1);
  if (code >= 200 && code < 400) return {true, ""};
  return {false, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

}  // namespace

ProbeOutcome runProbe(const ProbeSpec& spec, const std::string& podIP) {
  const auto deadline = Clock::now() + spec.timeout;
  const std::string host = spec.host.empty() ? podIP : spec.host;
  switch (spec.action) {
    case ProbeSpec::Action::kHttpGet:
      if (spec.scheme == "HTTP") return httpGet(spec, host, deadline);
      [[fallthrough]];
    case ProbeSpec::Action::kTcpSocket: {
      std::string error;
      Socket s(connectWithin(host, spec.port, deadline, &error));
      return s.fd() >= 0 ? ProbeOutcome{true, ""} : ProbeOutcome{false, error};
    }
    case ProbeSpec::Action::kExec:
      return {true, "exec probe not run by process-kubelet (counted as success)"};
    case ProbeSpec::Action::kGrpc:
      return {true, "grpc probe not run by process-kubelet (counted as success)"};
    case ProbeSpec::Action::kNone:
      break;
  }
  return {true, ""};
}

}  // namespace processkubelet
