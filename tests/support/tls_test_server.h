#pragma once
// A TLS server on loopback for tests: an OpenSSL accept loop on its own
// thread that completes handshakes with the given certificate (chain) and
// key, then closes each connection. Connections are served one at a time.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/loopback_listener.h"

namespace testsupport {

class TlsTestServer {
 public:
  // certPem may hold the leaf followed by intermediates.
  TlsTestServer(const std::string& certPem, const std::string& keyPem);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  uint16_t port() const { return listener_.port(); }
  int completedHandshakes() const { return handshakes_.load(); }
  // SNI the last handshake carried ("" when none).
  std::string lastServerName() const;

 private:
  struct Tls;
  void serve();

  LoopbackListener listener_;
  std::unique_ptr<Tls> tls_;
  std::atomic<bool> stop_{false};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

}  // namespace testsupport
