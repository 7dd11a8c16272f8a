#pragma once
// The benchmark's output: rows grouped in sections, printed as one aligned
// plain-text table at the end (and as they come, so a long run shows progress).

#include <string>
#include <vector>

namespace bench {

struct Row {
  std::string section;
  std::string metric;
  std::string value;
  std::string unit;
  std::string note;
};

class ReportTable {
 public:
  void add(const std::string& section, const std::string& metric, const std::string& value,
           const std::string& unit = "", const std::string& note = "");
  void addNumber(const std::string& section, const std::string& metric, double value,
                 const std::string& unit = "", const std::string& note = "", int decimals = 1);
  std::string render() const;

 private:
  std::vector<Row> rows_;
};

std::string formatNumber(double value, int decimals);

}  // namespace bench
