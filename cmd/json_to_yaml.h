#pragma once
// A JSON value as block YAML that reads back as the same JSON: a string that
// a YAML reader would take for something else ("8181", "true", "yes", "~",
// "") is quoted, so `value: "8181"` in an env var stays a string for kubectl.

#include <nlohmann/json.hpp>
#include <string>

namespace cmd {

// Ends with a newline; no document markers.
std::string jsonToYaml(const nlohmann::json& value);

}  // namespace cmd
