#pragma once
// A TCP listening socket on 127.0.0.1 with a kernel-chosen port. On its own
// it is a server that accepts connections (the kernel completes the TCP
// handshake) and never says a word: what a hung or black-holed TLS endpoint
// looks like to a client.

#include <chrono>
#include <cstdint>

namespace testsupport {

class LoopbackListener {
 public:
  LoopbackListener();  // aborts the test (throws) when it cannot bind
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const { return port_; }
  int fd() const { return fd_; }
  // Accepts one connection, waiting at most `timeout`; -1 when none came.
  int acceptFor(std::chrono::milliseconds timeout) const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A loopback port that nothing listens on (bound, then closed).
uint16_t unusedLoopbackPort();

// Blocks SIGPIPE on the calling thread for good: test servers write to
// clients that may have gone.
void blockSigpipeOnThisThread();

}  // namespace testsupport
