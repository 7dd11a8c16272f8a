#include "controller/manager/deadline_socket.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ctrl::manager {

DeadlineSocket::DeadlineSocket(int fd) : fd_(fd) {
  int flags = fcntl(fd_, F_GETFL, 0);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

DeadlineSocket::~DeadlineSocket() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

bool DeadlineSocket::waitFor(short events, Deadline deadline) const {
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // Rounded up: a deadline is never reported before it has passed.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    pollfd p{fd_, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (r > 0) return true;  // ready, or an error / hang-up the next call reports
    if (r < 0 && errno != EINTR) return false;
  }
}

bool DeadlineSocket::acceptTls(ServerTls& tls, Deadline deadline) {
  ssl_ = tls.newSession();
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return false;
  for (;;) {
    int r = SSL_accept(ssl_);
    if (r == 1) return true;
    int e = SSL_get_error(ssl_, r);
    ERR_clear_error();
    if (e == SSL_ERROR_WANT_READ && waitFor(POLLIN, deadline)) continue;
    if (e == SSL_ERROR_WANT_WRITE && waitFor(POLLOUT, deadline)) continue;
    return false;
  }
}

ssize_t DeadlineSocket::read(char* buf, size_t size, Deadline deadline) {
  for (;;) {
    if (ssl_ != nullptr) {
      int r = SSL_read(ssl_, buf, static_cast<int>(size));
      if (r > 0) return r;
      int e = SSL_get_error(ssl_, r);
      ERR_clear_error();
      if (e == SSL_ERROR_ZERO_RETURN) return 0;
      if (e == SSL_ERROR_WANT_READ && waitFor(POLLIN, deadline)) continue;
      if (e == SSL_ERROR_WANT_WRITE && waitFor(POLLOUT, deadline)) continue;
      return -1;
    }
    ssize_t r = ::recv(fd_, buf, size, 0);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && waitFor(POLLIN, deadline)) continue;
    return -1;
  }
}

bool DeadlineSocket::writeAll(std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      int r =
          SSL_write(ssl_, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 20)));
      if (r > 0) {
        data.remove_prefix(static_cast<size_t>(r));
        continue;
      }
      int e = SSL_get_error(ssl_, r);
      ERR_clear_error();
      if (e == SSL_ERROR_WANT_WRITE && waitFor(POLLOUT, deadline)) continue;
      if (e == SSL_ERROR_WANT_READ && waitFor(POLLIN, deadline)) continue;
      return false;
    }
    // MSG_NOSIGNAL: a client that went away is an error here, not SIGPIPE.
    ssize_t r = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (r > 0) {
      data.remove_prefix(static_cast<size_t>(r));
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waitFor(POLLOUT, deadline)) continue;
    return false;
  }
  return true;
}

void DeadlineSocket::finishWriting() {
  // One attempt: a close_notify the peer does not read is not worth waiting for.
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_WR);
}

void DeadlineSocket::drain(size_t limit, Deadline deadline) {
  char buf[4096];
  while (limit > 0) {
    // Below TLS: what is left are records we will never decrypt.
    ssize_t r = ::recv(fd_, buf, std::min(sizeof(buf), limit), 0);
    if (r > 0) {
      limit -= static_cast<size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waitFor(POLLIN, deadline)) continue;
    return;
  }
}

}  // namespace ctrl::manager
