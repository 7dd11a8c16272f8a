#include "controller/conditions/conditions.h"

#include <ctime>

namespace ctrl::conditions {

json Condition::toJson() const {
  return json{{"type", type},
              {"status", status},
              {"observedGeneration", observedGeneration},
              {"lastTransitionTime", lastTransitionTime},
              {"reason", reason},
              {"message", message}};
}

Condition Condition::fromJson(const json& j) {
  Condition c;
  if (!j.is_object()) return c;
  c.type = j.value("type", "");
  c.status = j.value("status", "");
  c.reason = j.value("reason", "");
  c.message = j.value("message", "");
  auto g = j.find("observedGeneration");
  if (g != j.end() && g->is_number()) c.observedGeneration = g->get<int64_t>();
  c.lastTransitionTime = j.value("lastTransitionTime", "");
  return c;
}

std::string formatTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const json* findCondition(const json& conditions, const std::string& type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool isStatus(const json& conditions, const std::string& type, const std::string& status) {
  const json* c = findCondition(conditions, type);
  return c != nullptr && c->value("status", "") == status;
}

bool setCondition(json* conditions, const Condition& c, std::chrono::system_clock::time_point now) {
  if (!conditions->is_array()) *conditions = json::array();
  for (auto& existing : *conditions) {
    if (!existing.is_object() || existing.value("type", "") != c.type) continue;
    Condition old = Condition::fromJson(existing);
    Condition next = c;
    next.lastTransitionTime = (old.status == c.status && !old.lastTransitionTime.empty())
                                  ? old.lastTransitionTime
                                  : formatTime(now);
    if (old.status == next.status && old.reason == next.reason && old.message == next.message &&
        old.observedGeneration == next.observedGeneration &&
        old.lastTransitionTime == next.lastTransitionTime) {
      return false;
    }
    existing = next.toJson();
    return true;
  }
  Condition next = c;
  next.lastTransitionTime = formatTime(now);
  conditions->push_back(next.toJson());
  return true;
}

bool removeCondition(json* conditions, const std::string& type) {
  if (!conditions->is_array()) return false;
  for (auto it = conditions->begin(); it != conditions->end(); ++it) {
    if (it->is_object() && it->value("type", "") == type) {
      conditions->erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace ctrl::conditions
