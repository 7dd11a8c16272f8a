#pragma once
// Before a subject starts, the control plane should be as idle as it was
// for the others. After a subject's namespace is gone, the
// controller-manager and the API server go on for minutes (garbage
// collection, the deployment and replica-set controllers' queues of the
// objects just deleted), and a floor run straight after measured 75 s where
// one on an idle server took 24 s. So each subject waits, after its
// namespace is set up, until the control plane's processes (etcd,
// kube-apiserver, kube-controller-manager, by their pid files) use little CPU.

#include <chrono>
#include <string>
#include <vector>

namespace bench {

struct QuietWait {
  bool measured = false;  // pid files found and read
  bool quiet = false;     // under the threshold before the cap
  double seconds = 0;     // waited
  double cores = 0;       // the control plane's CPU over the last window
  std::string note;       // why not measured
};

struct QuietCriteria {
  double maxCores = 0.35;  // an idle control plane here uses 0.05-0.2
  std::chrono::seconds window{5};
  std::chrono::seconds cap{300};
};

// CPU seconds, summed over processes, from two samples `window` apart: the
// mean number of cores they used.
double coresUsed(double cpuSecondsBefore, double cpuSecondsAfter, double windowSeconds);

// Waits until the processes whose pids are in `<pidDir>/*.pid` use under
// `criteria.maxCores` over one window, or the cap passes.
QuietWait waitControlPlaneQuiet(const std::string& pidDir, const QuietCriteria& criteria = {});

}  // namespace bench
