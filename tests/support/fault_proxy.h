#pragma once
// A TCP relay on loopback between a client under test and a server (the
// kube-apiserver), for faults a real server will not produce on demand. TLS
// passes through untouched, so the client still verifies the real server.
//
//   stall():   every connection, open or new, stays open and goes silent —
//              an API server that accepts and never answers;
//   resume():  relaying carries on where it stopped;
//   cutAll():  every open connection is closed at once.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_listener.h"

namespace testsupport {

class FaultProxy {
 public:
  explicit FaultProxy(std::string upstreamHostPort);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return listener_.port(); }
  void stall() { stalled_ = true; }
  void resume() { stalled_ = false; }
  void cutAll();
  int connectionsAccepted() const { return accepted_; }

 private:
  struct Connection {
    int client = -1;
    int upstream = -1;
    std::atomic<bool> cut{false};
  };
  void serve();
  void relay(const std::shared_ptr<Connection>& c);

  const std::string upstream_;
  LoopbackListener listener_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace testsupport
