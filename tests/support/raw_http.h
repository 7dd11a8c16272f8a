#pragma once
// HTTP at the byte level for tests of the connection guard: a request written
// exactly as given (malformed, huge, slow), over plain TCP or TLS (the server
// certificate is not verified: the tests check caps and authorisation, not
// PKI), and whatever comes back read to the end.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace testsupport {

struct RawExchange {
  bool connected = false;
  std::string response;       // every byte read until EOF, reset or timeout
  uint64_t bytesSent = 0;     // of the request, before the server stopped reading
  bool closedByPeer = false;  // EOF or reset seen (rather than our timeout)
};

class RawHttpConnection {
 public:
  // Connects to 127.0.0.1:port (TLS handshake when tls); check connected().
  RawHttpConnection(uint16_t port, bool tls,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~RawHttpConnection();
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  bool connected() const { return connected_; }
  // False once the peer stopped taking bytes (closed, reset) or the timeout passed.
  bool send(const std::string& bytes);
  // Reads until EOF, reset or the timeout; what arrived.
  std::string readAll();
  // True when the peer closed the connection within `timeout` (reads EOF or
  // a reset; anything it sends first is discarded).
  bool closedWithin(std::chrono::milliseconds timeout);
  uint64_t bytesSent() const { return sent_; }

 private:
  struct Impl;
  Impl* impl_;
  bool connected_ = false;
  uint64_t sent_ = 0;
};

// Sends `request` and reads the whole answer.
RawExchange rawExchange(uint16_t port, const std::string& request, bool tls = false,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// GET path with one header line "X-Huge: aaaa..." of `headerBytes`, streamed
// in 64 KiB pieces and never held in memory whole, until the server stops
// reading; then its answer.
RawExchange streamHugeHeader(uint16_t port, const std::string& path, uint64_t headerBytes,
                             bool tls = false,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The status code of a raw response ("HTTP/1.1 431 ..." -> 431); 0 when none.
int statusCodeOf(const std::string& response);
// The body of a raw response (after the blank line).
std::string bodyOf(const std::string& response);

}  // namespace testsupport
