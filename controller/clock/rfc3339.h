#pragma once
// Kubernetes timestamps: metav1.Time ("2006-01-02T15:04:05Z") and
// metav1.MicroTime ("2006-01-02T15:04:05.000000Z"), both UTC. Lease times,
// pod start times and status fields the operator reads back are parsed here.

#include <chrono>
#include <string>

namespace ctrl {

// metav1.MicroTime.
std::string formatMicroTime(std::chrono::system_clock::time_point t);
// Either form, any number of fractional digits (microseconds kept); false
// for anything that is not "…Z".
bool parseRfc3339(const std::string& s, std::chrono::system_clock::time_point* out);

}  // namespace ctrl
