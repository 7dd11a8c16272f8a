#pragma once
// Small helpers the cluster benchmark's files share: time, verbs, random
// names, loud failure messages, a parallel for, environment variables.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bench {

using SteadyClock = std::chrono::steady_clock;

double seconds(SteadyClock::duration d);
bool isWrite(const std::string& verb);
double writesOf(const std::map<std::string, double>& byVerb);
std::string randomSuffix();
// "GET=3 PATCH=1", "none" when all are 0.
std::string joinCounts(const std::map<std::string, double>& m);
// A failure, between !!!! lines on stderr.
void loud(const std::string& message);
// The q-quantile (0..1) of values (nearest rank); -1 when empty.
double quantile(std::vector<double> values, double q);

// Runs fn(0..n-1) on `threads` threads; stops handing out indexes after the
// first fn that returns a non-empty error, and returns that error.
std::string parallelFor(int n, int threads, const std::function<std::string(int)>& fn);

int envInt(const char* name, int fallback);
std::string envString(const char* name, const std::string& fallback);
// "a,b,c" -> {"a", "b", "c"}
std::vector<std::string> splitList(const std::string& text);
// "10,100,1000" -> {10, 100, 1000}; invalid items are skipped with a note.
std::vector<int> parseSizes(const std::string& text);

}  // namespace bench
