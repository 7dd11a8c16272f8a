#pragma once
// What one subject (floor, operator, peer) measured at one size and one
// client-limits pass: named numbers (the table's rows and the JSON's keys),
// request counts by verb per phase, and whether it ran at all.

#include <map>
#include <string>
#include <vector>

namespace bench {

struct SubjectFigures {
  std::string subject;  // "floor", "operator", "peer"
  std::string limits;   // "default", "off"
  int n = 0;
  std::string status = "measured";  // "measured", "skipped", "failed"
  std::string note;                 // why skipped / failed, or a caveat
  std::map<std::string, double> values;
  // phase ("convergence", "restart", ...) -> verb -> requests
  std::map<std::string, std::map<std::string, double>> requestsByVerb;
  std::vector<std::string> failures;  // correctness failures (writes while idle, ...)

  void set(const std::string& key, double v) { values[key] = v; }
  bool has(const std::string& key) const { return values.count(key) > 0; }
  void fail(const std::string& why);
  void addNote(const std::string& more) { note += (note.empty() ? "" : "; ") + more; }
};

}  // namespace bench
