#pragma once
// The head of one HTTP/1.x request, as the connection guard reads it before
// anything reaches the cpprestsdk listener: strict parsing (CRLF lines,
// token header names, no obs-fold), the body length it announces, and the
// head re-written for the one request the guard relays (Connection: close,
// so the listener never waits for a second request on that connection).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/kube/status.h"

namespace ctrl::manager {

struct HttpRequestHead {
  std::string method;
  std::string target;                                        // "/metrics?x=1", as sent
  std::string version;                                       // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
  uint64_t contentLength = 0;
  bool chunked = false;  // Transfer-Encoding present (any coding)

  // The value of the first header of this name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // The path of target, without its query.
  std::string path() const;
};

// One past the blank line ("\r\n\r\n") that ends the head in `bytes`, or npos
// while it has not arrived.
size_t findHeadEnd(std::string_view bytes);

// Parses a head (request line and header lines, the blank line included or
// not). kInvalidArgument for anything a strict HTTP/1.1 parser refuses,
// among them conflicting Content-Length headers (request smuggling).
kube::StatusOr<HttpRequestHead> parseRequestHead(std::string_view head);

// The head as relayed: the same request line and headers, without hop-by-hop
// Connection / Keep-Alive / Proxy-Connection, plus "Connection: close".
std::string headForBackend(const HttpRequestHead& head);

// A complete response the guard itself sends ("431 Request Header Fields Too
// Large" ...), plain text, closing the connection.
std::string plainResponse(int code, std::string_view reason, std::string_view body);

}  // namespace ctrl::manager
