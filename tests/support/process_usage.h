#pragma once
// A running process's memory, threads and CPU time, as /proc reports them:
// for the operator the tests start, and for the control plane's processes
// the benchmark waits on.

#include <sys/types.h>

#include <optional>

namespace testsupport {

struct ProcessUsage {
  double rssMiB = 0;      // VmRSS
  double peakRssMiB = 0;  // VmHWM
  double cpuSeconds = 0;  // utime + stime
  int threads = 0;
};

// nullopt when the process is not there (or /proc cannot be read).
std::optional<ProcessUsage> processUsage(pid_t pid);

}  // namespace testsupport
