#include "bench/subject_figures.h"

#include "bench/bench_util.h"

namespace bench {

void SubjectFigures::fail(const std::string& why) {
  loud(subject + " N=" + std::to_string(n) + ": " + why);
  failures.push_back(why);
  status = "failed";
}

}  // namespace bench
