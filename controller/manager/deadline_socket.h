#pragma once
// A connected, non-blocking socket, plain or TLS (server side), whose every
// read and write ends by a deadline: a peer that stalls costs a poll(), never
// a thread blocked for good. The connection guard's building block.

#include <sys/types.h>

#include <chrono>
#include <string_view>

#include "controller/manager/server_tls.h"

struct ssl_st;  // OpenSSL's SSL

namespace ctrl::manager {

using Deadline = std::chrono::steady_clock::time_point;

class DeadlineSocket {
 public:
  // Takes ownership of fd (made non-blocking here).
  explicit DeadlineSocket(int fd);
  ~DeadlineSocket();  // closes
  DeadlineSocket(const DeadlineSocket&) = delete;
  DeadlineSocket& operator=(const DeadlineSocket&) = delete;

  // Server-side TLS handshake on this socket; false on failure or deadline.
  bool acceptTls(ServerTls& tls, Deadline deadline);
  // Bytes read (> 0), 0 at the peer's end of stream, -1 on error or deadline.
  ssize_t read(char* buf, size_t size, Deadline deadline);
  // False unless every byte was written by the deadline.
  bool writeAll(std::string_view data, Deadline deadline);
  // Ends the sending side (TLS close_notify first), so the peer reads EOF
  // after what was sent.
  void finishWriting();
  // Reads and discards what the peer still sends, for at most `limit` bytes
  // or until the deadline, so closing does not reset the connection before
  // the peer has read our answer (Apache's "lingering close").
  void drain(size_t limit, Deadline deadline);

  int fd() const { return fd_; }

 private:
  // Waits until fd is readable (events POLLIN) or writable (POLLOUT).
  bool waitFor(short events, Deadline deadline) const;

  int fd_;
  ssl_st* ssl_ = nullptr;
};

}  // namespace ctrl::manager
