#pragma once
// Records core/v1 Events about an object, as client-go's EventRecorder does:
// repeats of the same (object, type, reason, message) within the aggregation
// window bump `count` on the existing Event instead of creating new ones,
// so a loop cannot flood the API server. Best effort: failures are logged.
// Never put a Secret value in a message.

#include <nlohmann/json.hpp>
#include <string>

namespace ctrl::manager {

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  // involved: the object (needs apiVersion, kind, metadata.name/namespace/uid).
  // type: "Normal" or "Warning".
  virtual void event(const nlohmann::json& involved, const std::string& type,
                     const std::string& reason, const std::string& message) = 0;
};

}  // namespace ctrl::manager
