#pragma once
// Durations on the command line: a positive integer with a unit, "500ms",
// "5s", "2m", "1h" (a subset of Go's time.ParseDuration, enough for flags).

#include <chrono>
#include <optional>
#include <string>

namespace cmd {

std::optional<std::chrono::milliseconds> parseDurationFlag(const std::string& v);

}  // namespace cmd
