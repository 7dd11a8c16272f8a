#pragma once
// Reading the operator's /metrics: the text exposition format parsed into
// samples, and sums over them, so the benchmark and the fault tests count
// requests from the operator's own counters instead of guessing.

#include <map>
#include <string>
#include <vector>

namespace testsupport {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Skips comments and lines it cannot read.
std::vector<Sample> parsePrometheusText(const std::string& text);

// Sum of `name`'s samples, grouped by the value of `label` ("" groups all into "").
std::map<std::string, double> sumBy(const std::vector<Sample>& samples, const std::string& name,
                                    const std::string& label);

// after - before, per key (keys of both).
std::map<std::string, double> delta(const std::map<std::string, double>& before,
                                    const std::map<std::string, double>& after);

double total(const std::map<std::string, double>& byKey);

}  // namespace testsupport
