#include "tests/support/prometheus_text.h"

#include <cstdlib>
#include <sstream>

namespace testsupport {

std::vector<Sample> parsePrometheusText(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) continue;
    s.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        std::string key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) continue;
      ++i;  // '}'
    }
    char* end = nullptr;
    const char* start = line.c_str() + i;
    s.value = std::strtod(start, &end);
    if (end == start) continue;
    out.push_back(std::move(s));
  }
  return out;
}

std::map<std::string, double> sumBy(const std::vector<Sample>& samples, const std::string& name,
                                    const std::string& label) {
  std::map<std::string, double> out;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    auto it = s.labels.find(label);
    out[it == s.labels.end() ? "" : it->second] += s.value;
  }
  return out;
}

std::map<std::string, double> delta(const std::map<std::string, double>& before,
                                    const std::map<std::string, double>& after) {
  std::map<std::string, double> out;
  for (const auto& [k, v] : after) out[k] = v;
  for (const auto& [k, v] : before) out[k] -= v;
  return out;
}

double total(const std::map<std::string, double>& byKey) {
  double t = 0;
  for (const auto& [k, v] : byKey) t += v;
  return t;
}

}  // namespace testsupport
