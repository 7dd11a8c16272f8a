#pragma once
// The cluster benchmark's table: per size and client-limits pass, one row
// per figure with floor, operator and peer side by side, and the
// operator/floor and peer/floor ratios where a ratio means something.

#include <string>
#include <vector>

#include "bench/subject_figures.h"

namespace bench {

// `figures` of one size and pass, in any order; idleSeconds names the idle window.
std::string renderSideBySide(const std::vector<SubjectFigures>& figures, int idleSeconds);

}  // namespace bench
