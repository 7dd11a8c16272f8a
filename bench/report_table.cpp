#include "bench/report_table.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace bench {

std::string formatNumber(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return buf;
}

void ReportTable::add(const std::string& section, const std::string& metric,
                      const std::string& value, const std::string& unit, const std::string& note) {
  rows_.push_back({section, metric, value, unit, note});
  std::cerr << "bench: " << section << " / " << metric << " = " << value << " " << unit
            << (note.empty() ? "" : "  (" + note + ")") << std::endl;
}

void ReportTable::addNumber(const std::string& section, const std::string& metric, double value,
                            const std::string& unit, const std::string& note, int decimals) {
  add(section, metric, formatNumber(value, decimals), unit, note);
}

std::string ReportTable::render() const {
  size_t wSection = 7, wMetric = 6, wValue = 5, wUnit = 4;
  for (const Row& r : rows_) {
    wSection = std::max(wSection, r.section.size());
    wMetric = std::max(wMetric, r.metric.size());
    wValue = std::max(wValue, r.value.size());
    wUnit = std::max(wUnit, r.unit.size());
  }
  auto pad = [](const std::string& s, size_t w, bool right) {
    std::string fill(w > s.size() ? w - s.size() : 0, ' ');
    return right ? fill + s : s + fill;
  };
  std::ostringstream out;
  auto line = [&](const std::string& a, const std::string& b, const std::string& c,
                  const std::string& d, const std::string& e) {
    out << pad(a, wSection, false) << "  " << pad(b, wMetric, false) << "  " << pad(c, wValue, true)
        << "  " << pad(d, wUnit, false) << (e.empty() ? "" : "  " + e) << "\n";
  };
  line("section", "metric", "value", "unit", "note");
  out << std::string(wSection + wMetric + wValue + wUnit + 8, '-') << "\n";
  std::string last;
  for (const Row& r : rows_) {
    line(r.section == last ? "" : r.section, r.metric, r.value, r.unit, r.note);
    last = r.section;
  }
  return out.str();
}

}  // namespace bench
