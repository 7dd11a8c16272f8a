#include "bench/control_plane_quiet.h"

#include <dirent.h>

#include <fstream>
#include <thread>

#include "tests/support/process_usage.h"

namespace bench {
namespace {

std::vector<pid_t> pidsIn(const std::string& dir) {
  std::vector<pid_t> pids;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return pids;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".pid") != 0) continue;
    std::ifstream in(dir + "/" + name);
    long pid = 0;
    if (in >> pid && pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return pids;
}

// Summed CPU seconds of `pids`; false when one of them is gone.
bool cpuSeconds(const std::vector<pid_t>& pids, double* total) {
  *total = 0;
  for (pid_t pid : pids) {
    auto u = testsupport::processUsage(pid);
    if (!u) return false;
    *total += u->cpuSeconds;
  }
  return true;
}

}  // namespace

double coresUsed(double cpuSecondsBefore, double cpuSecondsAfter, double windowSeconds) {
  if (windowSeconds <= 0 || cpuSecondsAfter < cpuSecondsBefore) return 0;
  return (cpuSecondsAfter - cpuSecondsBefore) / windowSeconds;
}

QuietWait waitControlPlaneQuiet(const std::string& pidDir, const QuietCriteria& criteria) {
  QuietWait w;
  const std::vector<pid_t> pids = pidsIn(pidDir);
  double before = 0;
  if (pids.empty() || !cpuSeconds(pids, &before)) {
    w.note = "no running control plane processes by the pid files in " + pidDir;
    return w;
  }
  w.measured = true;
  const auto start = std::chrono::steady_clock::now();
  auto sampled = start;
  for (;;) {
    std::this_thread::sleep_for(criteria.window);
    double after = 0;
    const auto now = std::chrono::steady_clock::now();
    if (!cpuSeconds(pids, &after)) {
      w.measured = false;
      w.note = "a control plane process went away while waiting";
      break;
    }
    w.cores = coresUsed(before, after, std::chrono::duration<double>(now - sampled).count());
    w.seconds = std::chrono::duration<double>(now - start).count();
    if (w.cores < criteria.maxCores) {
      w.quiet = true;
      break;
    }
    if (now - start >= criteria.cap) break;
    before = after;
    sampled = now;
  }
  return w;
}

}  // namespace bench
