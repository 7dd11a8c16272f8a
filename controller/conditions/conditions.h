#pragma once
// metav1.Condition lists as they appear in status.conditions, kept the way
// apimachinery's meta.SetStatusCondition keeps them: lastTransitionTime moves
// only when `status` flips, so a reconcile that changes nothing writes
// nothing and `kubectl wait` sees stable timestamps.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ctrl::conditions {

using nlohmann::json;

inline constexpr const char* kTrue = "True";
inline constexpr const char* kFalse = "False";
inline constexpr const char* kUnknown = "Unknown";

struct Condition {
  std::string type;
  std::string status;  // True | False | Unknown
  std::string reason;  // CamelCase, required by the API
  std::string message;
  int64_t observedGeneration = 0;
  std::string lastTransitionTime;  // RFC 3339, set by setCondition

  json toJson() const;
  static Condition fromJson(const json& j);
};

// RFC 3339 in UTC with second precision, as metav1.Time serialises.
std::string formatTime(std::chrono::system_clock::time_point t);

// The condition of `type` in a conditions array (may be null or not an
// array), or nullptr.
const json* findCondition(const json& conditions, const std::string& type);
bool isStatus(const json& conditions, const std::string& type, const std::string& status);
inline bool isTrue(const json& conditions, const std::string& type) {
  return isStatus(conditions, type, kTrue);
}

// Sets c in *conditions (made an array when it is not one). A new condition,
// or one whose status flips, gets lastTransitionTime = now; otherwise the
// existing time is kept and reason, message and observedGeneration are
// updated in place. Returns whether anything changed.
bool setCondition(json* conditions, const Condition& c, std::chrono::system_clock::time_point now);

// Removes the condition of `type`; returns whether it was there.
bool removeCondition(json* conditions, const std::string& type);

}  // namespace ctrl::conditions
