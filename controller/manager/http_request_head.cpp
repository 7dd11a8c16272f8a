#include "controller/manager/http_request_head.h"

#include <algorithm>
#include <cctype>

namespace ctrl::manager {
namespace {

using kube::Code;
using kube::Status;

Status malformed(const std::string& what) {
  return Status(Code::kInvalidArgument, "malformed request: " + what);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 9110 tchar.
bool isTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

// Visible ASCII, space, tab and obs-text; no CR, LF or other controls.
bool isFieldValue(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool isHopByHop(std::string_view name) {
  return equalsIgnoreCase(name, "connection") || equalsIgnoreCase(name, "keep-alive") ||
         equalsIgnoreCase(name, "proxy-connection");
}

}  // namespace

std::optional<std::string> HttpRequestHead::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (equalsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::string HttpRequestHead::path() const {
  return target.substr(0, target.find('?'));
}

size_t findHeadEnd(std::string_view bytes) {
  size_t at = bytes.find("\r\n\r\n");
  return at == std::string_view::npos ? std::string_view::npos : at + 4;
}

kube::StatusOr<HttpRequestHead> parseRequestHead(std::string_view head) {
  HttpRequestHead out;
  size_t lineEnd = head.find("\r\n");
  if (lineEnd == std::string_view::npos) lineEnd = head.size();
  std::string_view requestLine = head.substr(0, lineEnd);
  size_t sp1 = requestLine.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : requestLine.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || requestLine.find(' ', sp2 + 1) != std::string_view::npos) {
    return malformed("request line");
  }
  out.method = std::string(requestLine.substr(0, sp1));
  out.target = std::string(requestLine.substr(sp1 + 1, sp2 - sp1 - 1));
  out.version = std::string(requestLine.substr(sp2 + 1));
  if (!isToken(out.method)) return malformed("method");
  if (out.target.empty() || out.target.front() != '/' || !isFieldValue(out.target) ||
      out.target.find_first_of(" \t") != std::string::npos) {
    return malformed("request target");
  }
  if (out.version != "HTTP/1.1" && out.version != "HTTP/1.0") return malformed("HTTP version");

  std::optional<uint64_t> contentLength;
  size_t at = lineEnd + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(at, end - at);
    at = end + 2;
    if (line.empty()) break;  // the blank line
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return malformed("header line without a colon");
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    // A name with trailing space, or a line starting with one (obs-fold), is refused.
    if (!isToken(name)) return malformed("header name");
    if (!isFieldValue(value)) return malformed("header value");
    if (equalsIgnoreCase(name, "content-length")) {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return malformed("Content-Length");
      }
      uint64_t n = std::stoull(std::string(value));
      if (contentLength && *contentLength != n) return malformed("conflicting Content-Length");
      contentLength = n;
    }
    if (equalsIgnoreCase(name, "transfer-encoding")) out.chunked = true;
    out.headers.emplace_back(std::string(name), std::string(value));
  }
  // Both together is how requests are smuggled past a front end.
  if (out.chunked && contentLength) return malformed("both Transfer-Encoding and Content-Length");
  out.contentLength = contentLength.value_or(0);
  return out;
}

std::string headForBackend(const HttpRequestHead& head) {
  std::string out = head.method + " " + head.target + " " + head.version + "\r\n";
  for (const auto& [name, value] : head.headers) {
    if (isHopByHop(name)) continue;
    out += name + ": " + value + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  return out;
}

std::string plainResponse(int code, std::string_view reason, std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

}  // namespace ctrl::manager
