#pragma once
// A container's process on this host. It runs in its own process group
// (signals reach everything it spawns) and its own mount namespace, where the
// pod's volume directories are bind-mounted at their mountPaths; the rest of
// the filesystem and the network are the host's. Output goes to a log file.
// It dies with the kubelet (PR_SET_PDEATHSIG), so a crashed kubelet leaves
// no orphans.
//
// The namespace is made in the forked child with unshare(2)/mount(2) — what
// `unshare -m` + `mount --bind` would do, without a shell in between. Needs
// root (CAP_SYS_ADMIN). Mount targets that do not exist on the host are
// created there first (empty directories / files): a mount needs a target.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "controller/kube/status.h"
#include "tests/kubelet/pod_volumes.h"

namespace processkubelet {

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0] looked up in PATH when it has no '/'
  std::vector<std::string> env;   // KEY=VALUE
  std::vector<BindMount> mounts;
  std::string workingDir;
  std::string logPath;  // stdout and stderr, appended
};

ctrl::kube::StatusOr<pid_t> launchHostProcess(const LaunchSpec& spec);

// The exit of a process launched above, once it has exited (reaped here).
struct ProcessExit {
  int exitCode = 0;  // 128 + signal when killed, as container runtimes report
  int signal = 0;
};
std::optional<ProcessExit> reapIfExited(pid_t pid);

// Signals the whole process group.
void signalProcessGroup(pid_t pid, int signal);

}  // namespace processkubelet
