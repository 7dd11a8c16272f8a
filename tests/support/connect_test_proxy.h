#pragma once
// An HTTP CONNECT proxy on loopback for tests: records each request's
// request line and headers, dials the requested host:port and relays bytes
// both ways; or answers every CONNECT with a fixed refusal.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_listener.h"

namespace testsupport {

class ConnectTestProxy {
 public:
  // refusal: empty to tunnel, else a status line such as
  // "HTTP/1.1 407 Proxy Authentication Required" to answer instead.
  explicit ConnectTestProxy(std::string refusal = "");
  ~ConnectTestProxy();
  ConnectTestProxy(const ConnectTestProxy&) = delete;
  ConnectTestProxy& operator=(const ConnectTestProxy&) = delete;

  uint16_t port() const { return listener_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // Request lines seen so far, e.g. "CONNECT localhost:8443 HTTP/1.1".
  std::vector<std::string> requestLines() const;
  // Full request heads (request line + headers), in arrival order.
  std::vector<std::string> requestHeads() const;

 private:
  void serve();
  void handle(int client);

  LoopbackListener listener_;
  const std::string refusal_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

}  // namespace testsupport
