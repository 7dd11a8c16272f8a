#include "controller/kube/watch_framing.h"

namespace ctrl::kube {

void LineSplitter::feed(const char* data, size_t size) {
  size_t start = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] != '\n') continue;
    partial_.append(data + start, i - start);
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!partial_.empty()) lines_.push_back(std::move(partial_));
    partial_.clear();
    start = i + 1;
  }
  partial_.append(data + start, size - start);
}

std::optional<std::string> LineSplitter::nextLine() {
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

std::optional<std::string> LineSplitter::flush() {
  if (auto line = nextLine()) return line;
  if (partial_.empty()) return std::nullopt;
  std::string line = std::move(partial_);
  partial_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return std::nullopt;
  return line;
}

StatusOr<WatchEvent> parseWatchEvent(const std::string& line) {
  json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status(Code::kInternal, "watch stream sent a line that is not a JSON object (" +
                                       std::to_string(line.size()) + " bytes)");
  }
  auto type = parsed.find("type");
  auto object = parsed.find("object");
  if (type == parsed.end() || !type->is_string() || object == parsed.end() ||
      !object->is_object()) {
    return Status(Code::kInternal, "watch event without type or object");
  }
  const std::string& t = type->get_ref<const std::string&>();
  WatchEvent ev;
  if (t == "ADDED")
    ev.type = WatchEvent::Type::kAdded;
  else if (t == "MODIFIED")
    ev.type = WatchEvent::Type::kModified;
  else if (t == "DELETED")
    ev.type = WatchEvent::Type::kDeleted;
  else if (t == "BOOKMARK")
    ev.type = WatchEvent::Type::kBookmark;
  else if (t == "ERROR")
    ev.type = WatchEvent::Type::kError;
  else
    return Status(Code::kInternal, "watch event of unknown type \"" + t + "\"");
  ev.object = std::move(*object);
  return ev;
}

WatchErrorStatus watchErrorStatus(const json& object) {
  WatchErrorStatus out;
  if (!object.is_object()) return out;
  // json::value() would throw on a string code and cast a float one out of range.
  if (auto code = object.find("code"); code != object.end() && code->is_number_integer()) {
    const int64_t n = code->get<int64_t>();
    if (n >= 0 && n <= 999) out.code = static_cast<int>(n);
  }
  if (auto message = object.find("message"); message != object.end() && message->is_string()) {
    out.message = message->get<std::string>();
  }
  return out;
}

const char* watchEventTypeName(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::kAdded:
      return "ADDED";
    case WatchEvent::Type::kModified:
      return "MODIFIED";
    case WatchEvent::Type::kDeleted:
      return "DELETED";
    case WatchEvent::Type::kBookmark:
      return "BOOKMARK";
    case WatchEvent::Type::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

}  // namespace ctrl::kube
