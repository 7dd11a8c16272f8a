#pragma once
// The floor is run twice in a pass, before the subjects and after them: on a
// shared machine the speed drifts over the minutes a pass takes, and a floor
// measured once, at one end, turns that drift into a ratio. The ratios divide
// by the mean of the two runs; the drift is shown beside them.

#include "bench/subject_figures.h"

namespace bench {

// The floor's figures for a pass from its run before the subjects and its run
// after: each figure both runs have is their mean; `converge_s_before`,
// `converge_s_after` and `floor_drift` (after / before) say how far they
// were apart. When the run after did not measure, the run before stands
// alone, the note says so and its failures are the floor's.
SubjectFigures bracketFloor(const SubjectFigures& before, const SubjectFigures& after);

}  // namespace bench
