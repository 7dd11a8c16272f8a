#include "controller/logging/logger.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include "controller/clock/rfc3339.h"

namespace ctrl::logging {
namespace {

struct LoggerState {
  std::atomic<Format> format{Format::kText};
  std::atomic<Level> level{Level::kInfo};
  std::shared_ptr<spdlog::logger> sink;
  std::once_flag once;
};

LoggerState& state() {
  static LoggerState s;
  return s;
}

// We render the whole line ourselves; spdlog only serializes writes to stderr
// so lines from concurrent threads never interleave.
spdlog::logger& sink() {
  LoggerState& s = state();
  std::call_once(s.once, [&s] {
    s.sink =
        std::make_shared<spdlog::logger>("ctrl", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    s.sink->set_pattern("%v");
    s.sink->set_level(spdlog::level::trace);
    s.sink->flush_on(spdlog::level::trace);
  });
  return *s.sink;
}

const char* levelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

const char* levelTextName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string timestampNow() {
  return ctrl::formatRfc3339(std::chrono::system_clock::now(), 3);
}

// Invalid UTF-8 (a byte string from somewhere) must not make logging throw.
std::string jsonString(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string jsonValue(const nlohmann::json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool needsQuoting(const std::string& s) {
  if (s.empty()) return true;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

std::string textValue(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return needsQuoting(s) ? jsonString(s) : s;
  }
  return jsonValue(v);
}

// A message must stay on one line, or log shippers split it.
std::string oneLine(std::string_view msg) {
  std::string out;
  out.reserve(msg.size());
  for (char c : msg) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

bool isReserved(const std::string& key) {
  return key == "ts" || key == "level" || key == "msg";
}

}  // namespace

void configure(Format format, Level level) {
  state().format = format;
  state().level = level;
  sink();
}

bool parseLevel(std::string_view s, Level* out) {
  if (s == "debug")
    *out = Level::kDebug;
  else if (s == "info")
    *out = Level::kInfo;
  else if (s == "warn" || s == "warning")
    *out = Level::kWarn;
  else if (s == "error")
    *out = Level::kError;
  else
    return false;
  return true;
}

bool parseFormat(std::string_view s, Format* out) {
  if (s == "json")
    *out = Format::kJson;
  else if (s == "text")
    *out = Format::kText;
  else
    return false;
  return true;
}

std::string renderLine(Format format, Level level, std::string_view msg,
                       const nlohmann::json& fields) {
  nlohmann::json obj = fields;
  if (!obj.is_object()) {
    obj = nlohmann::json::object();
    if (!fields.is_null()) obj["fields"] = fields;
  }
  std::string line;
  if (format == Format::kJson) {
    line = "{\"ts\":" + jsonString(timestampNow()) + ",\"level\":" + jsonString(levelName(level)) +
           ",\"msg\":" + jsonString(msg);
    for (const auto& [key, value] : obj.items()) {
      // A field named like a fixed key would make a duplicate JSON key.
      std::string k = isReserved(key) ? "field." + key : key;
      line += "," + jsonString(k) + ":" + jsonValue(value);
    }
    line += "}";
    return line;
  }
  line = timestampNow() + " " + levelTextName(level) + " " + oneLine(msg);
  for (const auto& [key, value] : obj.items()) {
    line += " " + key + "=" + textValue(value);
  }
  return line;
}

void log(Level level, std::string_view msg, const nlohmann::json& fields) {
  if (level < state().level.load()) return;
  std::string line = renderLine(state().format.load(), level, msg, fields);
  sink().log(spdlog::level::info, line);
}

}  // namespace ctrl::logging
