#pragma once
// Kubernetes timestamps: metav1.Time ("2006-01-02T15:04:05Z") and
// metav1.MicroTime ("2006-01-02T15:04:05.000000Z"), both UTC. Lease times,
// pod start times and status fields the operator reads back are parsed here.

#include <chrono>
#include <string>

namespace ctrl {

// UTC with `fractionDigits` (0, 3 or 6) digits of the second, truncated:
// 0 is metav1.Time ("2026-11-29T07:30:00Z"), 3 the log's timestamps.
std::string formatRfc3339(std::chrono::system_clock::time_point t, int fractionDigits = 0);
// metav1.MicroTime (formatRfc3339 with 6 digits).
std::string formatMicroTime(std::chrono::system_clock::time_point t);
// Either form, any number of fractional digits (microseconds kept); false
// for anything that is not "…Z".
bool parseRfc3339(const std::string& s, std::chrono::system_clock::time_point* out);

}  // namespace ctrl
