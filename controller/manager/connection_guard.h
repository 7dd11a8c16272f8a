#pragma once
// A TCP front for the cpprestsdk listener behind /metrics, /healthz and
// /readyz. cpprestsdk reads a request head into an unbounded buffer, so one
// client sending a huge header (or many slow ones) grows the operator's
// memory without limit. The guard owns the public socket and relays to the
// listener on loopback only what fits its caps:
//
//   - at most maxConnections at once; one more is accepted and closed at once;
//   - the head (request line + headers) at most maxHeadBytes, else
//     "431 Request Header Fields Too Large";
//   - a body at most maxBodyBytes (these are GET endpoints), else 413; no
//     chunked bodies (411);
//   - head and body must arrive within headTimeout of the connection (or of
//     the TLS handshake's start), else the connection is closed (slowloris);
//   - one request per connection: the head is relayed with "Connection:
//     close", the answer streamed back through a fixed buffer, then both
//     connections close; bytes the client sends after its request are never read.
//
// So a connection costs at most its two fixed buffers (head cap + 16 KiB),
// its TLS state and its thread, whatever the client sends. With a ServerTls
// the guard terminates TLS (the listener behind it stays plain, on loopback).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "controller/kube/status.h"
#include "controller/manager/server_tls.h"

namespace ctrl::manager {

struct GuardState;  // what the accept loop and its connections share (connection_guard.cpp)

struct ConnectionGuardOptions {
  std::string host;          // "" or "0.0.0.0": every IPv4 address; "::" every address
  uint16_t port = 0;         // 0: the kernel picks one (see ConnectionGuard::port())
  uint16_t backendPort = 0;  // the listener, on 127.0.0.1
  ServerTlsPtr tls;          // null: plain HTTP
  size_t maxConnections = 64;
  size_t maxHeadBytes = 16 * 1024;
  size_t maxBodyBytes = 4 * 1024;
  std::chrono::milliseconds headTimeout{std::chrono::seconds(30)};
  // Each read from the listener and each write to the client while relaying
  // the answer (a TokenReview may take a while; a scraper may read slowly).
  std::chrono::milliseconds relayTimeout{std::chrono::seconds(60)};
  // Told of every connection or request refused, with why: "connection_limit",
  // "tls_handshake", "head_timeout", "header_too_large", "malformed",
  // "chunked_body", "body_too_large" (for a counter: cheap, unlike a log line
  // per refusal, which would let a client flood the log). Called on the
  // connection's thread; must not block.
  std::function<void(const char* reason)> onRefused;
};

class ConnectionGuard {
 public:
  explicit ConnectionGuard(ConnectionGuardOptions options);
  ~ConnectionGuard();  // stop()
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // Binds the public address (port() is known from then on) without
  // accepting yet; fails when the address is taken or bad. Bind every public
  // address before picking loopback ports for listeners, so the kernel
  // cannot hand one of them out meanwhile.
  kube::Status listen();
  // The listener's port, when it was not known at construction; before start().
  void setBackendPort(uint16_t port) { options_.backendPort = port; }
  // Binds (unless listen() did) and starts accepting.
  kube::Status start();
  // Stops accepting, ends every open connection and waits (a few seconds at
  // most) for their threads. Idempotent.
  void stop();

  uint16_t port() const { return bound_port_; }
  size_t activeConnections() const;

 private:
  void acceptLoop();

  ConnectionGuardOptions options_;
  std::shared_ptr<GuardState> shared_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  uint16_t bound_port_ = 0;
  std::thread accept_thread_;
};

}  // namespace ctrl::manager
