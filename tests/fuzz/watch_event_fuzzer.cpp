// The watch stream's bytes, as the API server (or anything between) sends
// them: reassembled into lines in arbitrary chunks, each line decoded into a
// WatchEvent, and an ERROR event read the way the reflector reads it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "controller/kube/watch_framing.h"

namespace {

std::vector<std::string> splitInChunks(const char* data, size_t size, size_t chunk) {
  ctrl::kube::LineSplitter splitter;
  std::vector<std::string> lines;
  for (size_t at = 0; at < size; at += chunk) {
    splitter.feed(data + at, std::min(chunk, size - at));
    while (auto line = splitter.nextLine()) lines.push_back(std::move(*line));
  }
  if (auto last = splitter.flush()) lines.push_back(std::move(*last));
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size: framing must not depend on how the
  // network split the stream.
  const size_t chunk = 1 + data[0] % 16;
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  const std::vector<std::string> lines = splitInChunks(bytes, size - 1, chunk);
  if (lines != splitInChunks(bytes, size - 1, size)) __builtin_trap();

  for (const std::string& line : lines) {
    // One '\r' before the '\n' is stripped (CRLF); "\r\r\n" keeps the first.
    if (line.empty() || line.find('\n') != std::string::npos) __builtin_trap();
    auto ev = ctrl::kube::parseWatchEvent(line);
    if (!ev.isOk()) continue;
    if (!ev.value().object.is_object()) __builtin_trap();
    if (ev.value().type == ctrl::kube::WatchEvent::Type::kError) {
      (void)ctrl::kube::watchErrorStatus(ev.value().object);
    }
    (void)ctrl::kube::watchEventTypeName(ev.value().type);
  }
  return 0;
}
