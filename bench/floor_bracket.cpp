#include "bench/floor_bracket.h"

#include "bench/report_table.h"

namespace bench {

SubjectFigures bracketFloor(const SubjectFigures& before, const SubjectFigures& after) {
  SubjectFigures out = before;
  if (after.status != "measured") {
    out.addNote("the run after the subjects did not measure (" + after.status +
                (after.note.empty() ? "" : ": " + after.note) + "); the run before stands alone");
    for (const auto& why : after.failures) out.failures.push_back("the run after: " + why);
    return out;
  }
  for (auto& [key, value] : out.values) {
    auto other = after.values.find(key);
    if (other != after.values.end()) value = (value + other->second) / 2;
  }
  auto b = before.values.find("converge_s");
  auto a = after.values.find("converge_s");
  if (b != before.values.end() && a != after.values.end() && b->second > 0) {
    out.set("converge_s_before", b->second);
    out.set("converge_s_after", a->second);
    out.set("floor_drift", a->second / b->second);
    out.addNote("mean of a run before the subjects (" + formatNumber(b->second, 1) +
                " s) and one after (" + formatNumber(a->second, 1) + " s)");
  }
  return out;
}

}  // namespace bench
