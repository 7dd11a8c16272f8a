#pragma once
// An HTTP/1.1 fault proxy on loopback that terminates TLS, for the faults
// that need to see requests, not just bytes (tests/support/fault_proxy.h is
// the byte-level one): a share of requests answered 429/500/503 by the proxy
// instead of the API server, and watches cut or stalled while every other
// request flows. The client under test trusts the proxy through a test CA;
// the proxy dials the real server over TLS and passes each request on
// unchanged, bearer token included.
//
// The proxy answers a request itself only between two relayed exchanges,
// which is sound because the clients under test do not pipeline: cpprest
// sends a connection's next request only after the last answer arrived.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_listener.h"
#include "tests/support/test_certificates.h"

namespace testsupport {

class HttpFaultProxy {
 public:
  // Serves a certificate for 127.0.0.1 issued by `ca`.
  HttpFaultProxy(std::string upstreamHostPort, const TestCertificateAuthority& ca);
  ~HttpFaultProxy();
  HttpFaultProxy(const HttpFaultProxy&) = delete;
  HttpFaultProxy& operator=(const HttpFaultProxy&) = delete;

  uint16_t port() const { return listener_.port(); }

  // From now on a random `share` (0..1) of requests, watches included, is
  // answered by the proxy with a Kubernetes Status: 429 (Retry-After: 1),
  // 500 and 503 in turn. 0 stops it.
  void failShare(double share);
  // From now on every relayed request waits `delay` before it goes on (a
  // slow or distant API server); watches pay it once, when they open. 0
  // stops it. Connections wait independently, as requests in flight do.
  void addLatency(std::chrono::milliseconds delay);
  // Closes every connection that carries a watch now; returns how many.
  int cutWatches();
  // Every connection that carries a watch now stays open and goes silent for
  // good; watches opened later flow. Returns how many.
  int stallWatches();

  struct Counts {
    int requests = 0;          // requests read from clients
    int failed = 0;            // of them, answered by the proxy
    int watchesCut = 0;        // by cutWatches()
    int watchesStalled = 0;    // by stallWatches()
    int stalledAbandoned = 0;  // stalled watches the client gave up on (closed)
    int delayed = 0;           // requests relayed late by addLatency
  };
  Counts counts() const;

 private:
  struct Tls;
  struct Connection;
  void serve();
  void relay(const std::shared_ptr<Connection>& c);
  // 0 to relay the next request, else the status code to answer it with.
  int nextFault();
  // Relays (or answers) every complete request in c's buffer; false when the
  // connection is done.
  bool forwardRequests(Connection& c);
  bool connectUpstream(Connection& c);

  const std::string upstream_;
  std::unique_ptr<Tls> tls_;
  LoopbackListener listener_;
  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;  // connections_, counts_, the fault draw
  std::vector<std::shared_ptr<Connection>> connections_;
  Counts counts_;
  double share_ = 0;
  std::atomic<int64_t> latencyMs_{0};
  std::mt19937 random_{20261202};
  int rotation_ = 0;

  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace testsupport
