#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "tests/support/loopback_listener.h"

namespace testsupport {

struct RawHttpConnection::Impl {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  std::chrono::milliseconds timeout;
};

namespace {

void setTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

RawHttpConnection::RawHttpConnection(uint16_t port, bool tls, std::chrono::milliseconds timeout)
    : impl_(new Impl) {
  // SSL_write to a server that closed raises SIGPIPE: an error here, not the end of the test.
  blockSigpipeOnThisThread();
  impl_->timeout = timeout;
  impl_->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl_->fd < 0) return;
  setTimeouts(impl_->fd, timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(impl_->fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return;
  if (tls) {
    impl_->ctx = SSL_CTX_new(TLS_client_method());
    impl_->ssl = SSL_new(impl_->ctx);
    SSL_set_fd(impl_->ssl, impl_->fd);
    if (SSL_connect(impl_->ssl) != 1) {
      ERR_clear_error();
      return;
    }
  }
  connected_ = true;
}

RawHttpConnection::~RawHttpConnection() {
  if (impl_->ssl) SSL_free(impl_->ssl);
  if (impl_->ctx) SSL_CTX_free(impl_->ctx);
  if (impl_->fd >= 0) close(impl_->fd);
  delete impl_;
}

bool RawHttpConnection::send(const std::string& bytes) {
  if (!connected_) return false;
  size_t at = 0;
  while (at < bytes.size()) {
    ssize_t n;
    if (impl_->ssl) {
      n = SSL_write(impl_->ssl, bytes.data() + at, static_cast<int>(bytes.size() - at));
      if (n <= 0) ERR_clear_error();
    } else {
      n = ::send(impl_->fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
    }
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
    sent_ += static_cast<uint64_t>(n);
  }
  return true;
}

std::string RawHttpConnection::readAll() {
  std::string out;
  if (impl_->fd < 0) return out;
  char buf[16384];
  for (;;) {
    ssize_t n;
    if (impl_->ssl) {
      n = SSL_read(impl_->ssl, buf, sizeof(buf));
      if (n <= 0) ERR_clear_error();
    } else {
      n = recv(impl_->fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
    }
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

bool RawHttpConnection::closedWithin(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{impl_->fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    // Below TLS on purpose: only the socket's end matters here.
    ssize_t n = recv(impl_->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return true;
  }
}

RawExchange rawExchange(uint16_t port, const std::string& request, bool tls,
                        std::chrono::milliseconds timeout) {
  RawExchange out;
  RawHttpConnection c(port, tls, timeout);
  out.connected = c.connected();
  if (!out.connected) return out;
  c.send(request);
  out.bytesSent = c.bytesSent();
  out.response = c.readAll();
  out.closedByPeer = true;
  return out;
}

RawExchange streamHugeHeader(uint16_t port, const std::string& path, uint64_t headerBytes, bool tls,
                             std::chrono::milliseconds timeout) {
  RawExchange out;
  RawHttpConnection c(port, tls, timeout);
  out.connected = c.connected();
  if (!out.connected) return out;
  bool open = c.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ");
  const std::string piece(64 * 1024, 'a');
  for (uint64_t sent = 0; open && sent < headerBytes; sent += piece.size()) {
    open = c.send(piece);
  }
  if (open) open = c.send("\r\n\r\n");
  out.bytesSent = c.bytesSent();
  out.response = c.readAll();
  out.closedByPeer = !open;
  return out;
}

int statusCodeOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string bodyOf(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

}  // namespace testsupport
