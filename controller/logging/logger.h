#pragma once
// Structured logging on spdlog. Every line is a message plus key/value
// fields; in the cluster the format is JSON (one object per line), on a
// terminal it is "msg key=value ...". Lines about one object carry it as
// the field "clusteragent": "ns/name" (or the generic "object").
//
// Never pass a token, key or Secret value as a field: logs leave the cluster.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ctrl::logging {

enum class Format { kJson, kText };
enum class Level { kDebug, kInfo, kWarn, kError };

// Configures the process-wide logger; call once at start. Thread-safe to log
// from any thread afterwards. Unconfigured, logging goes to stderr as text.
void configure(Format format, Level level);
bool parseLevel(std::string_view s, Level* out);    // debug|info|warn|error
bool parseFormat(std::string_view s, Format* out);  // json|text

void log(Level level, std::string_view msg,
         const nlohmann::json& fields = nlohmann::json::object());
inline void debug(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  log(Level::kDebug, msg, f);
}
inline void info(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  log(Level::kInfo, msg, f);
}
inline void warn(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  log(Level::kWarn, msg, f);
}
inline void error(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  log(Level::kError, msg, f);
}

// Renders one line without printing it (for tests of the format).
std::string renderLine(Format format, Level level, std::string_view msg,
                       const nlohmann::json& fields);

}  // namespace ctrl::logging
