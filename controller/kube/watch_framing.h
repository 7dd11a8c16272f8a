#pragma once
// The watch wire format: the server streams one JSON event per line
// ({"type":"ADDED","object":{...}}\n) in arbitrary chunks. LineSplitter
// reassembles lines across chunks; parseWatchEvent decodes one line.

#include <deque>
#include <optional>
#include <string>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

class LineSplitter {
 public:
  // Appends bytes; complete lines become available through nextLine().
  void feed(const char* data, size_t size);
  // The next complete line without its '\n' (and '\r'); empty lines are skipped.
  std::optional<std::string> nextLine();
  // Bytes of an unfinished last line.
  size_t pendingBytes() const { return partial_.size(); }
  // At end of stream: a final line without trailing newline, if any.
  std::optional<std::string> flush();

 private:
  std::string partial_;
  std::deque<std::string> lines_;
};

StatusOr<WatchEvent> parseWatchEvent(const std::string& line);

// What an ERROR event's object (a metav1.Status) says. Whatever the object
// holds: code is 0 unless it is an integer that fits, message "" unless a string.
struct WatchErrorStatus {
  int code = 0;  // 410: the resource version is too old, relist
  std::string message;
};
WatchErrorStatus watchErrorStatus(const json& object);

const char* watchEventTypeName(WatchEvent::Type type);

}  // namespace ctrl::kube
