// The connection guard's request head parser on arbitrary bytes (what any
// client on the network sends): no crash, and a head it accepts must survive
// being re-written for the listener and read again unchanged (bar the
// hop-by-hop headers the guard replaces with "Connection: close").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "controller/manager/http_request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t end = ctrl::manager::findHeadEnd(bytes);
  if (end != std::string_view::npos && (end < 4 || end > size)) __builtin_trap();
  const auto head =
      ctrl::manager::parseRequestHead(end == std::string_view::npos ? bytes : bytes.substr(0, end));
  if (!head.isOk()) {
    if (head.status().message().empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  if (head->chunked && head->contentLength != 0) __builtin_trap();
  const std::string relayed = ctrl::manager::headForBackend(*head);
  if (ctrl::manager::findHeadEnd(relayed) != relayed.size()) __builtin_trap();
  const auto again = ctrl::manager::parseRequestHead(relayed);
  if (!again.isOk() || again->method != head->method || again->target != head->target ||
      again->version != head->version || again->contentLength != head->contentLength ||
      again->chunked != head->chunked || again->header("Connection") != "close") {
    __builtin_trap();
  }
  return 0;
}
