#include "tests/kubelet/host_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::Status;
using ctrl::kube::StatusOr;
namespace fs = std::filesystem;

namespace {

// After fork only async-signal-safe calls are allowed: everything the child
// needs is prepared as C strings first.
struct ChildPlan {
  struct Mount {
    std::string source, target;
    bool readOnly;
  };
  std::vector<std::string> dirsToCreate;   // mount targets (and parents) for directories
  std::vector<std::string> filesToCreate;  // mount targets for single files
  std::vector<Mount> mounts;
};

[[noreturn]] void childFail(int logFd, const char* what, const char* arg) {
  const int err = errno;
  dprintf(logFd, "process-kubelet: %s %s: %s\n", what, arg, strerror(err));
  _exit(127);
}

void addParents(const fs::path& p, std::vector<std::string>* dirs) {
  std::vector<std::string> chain;
  for (fs::path cur = p; !cur.empty() && cur != cur.root_path(); cur = cur.parent_path()) {
    chain.push_back(cur.string());
  }
  dirs->insert(dirs->end(), chain.rbegin(), chain.rend());
}

}  // namespace

StatusOr<pid_t> launchHostProcess(const LaunchSpec& spec) {
  if (spec.argv.empty()) return Status(Code::kInvalidArgument, "empty command");
  ChildPlan plan;
  for (const auto& m : spec.mounts) {
    std::error_code ec;
    const bool isFile = fs::is_regular_file(m.source, ec);
    addParents(isFile ? fs::path(m.target).parent_path() : fs::path(m.target), &plan.dirsToCreate);
    if (isFile) plan.filesToCreate.push_back(m.target);
    plan.mounts.push_back({m.source, m.target, m.readOnly});
  }
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  const int logFd = open(spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (logFd < 0) {
    return Status(Code::kInternal, "open " + spec.logPath + ": " + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(logFd);
    return Status(Code::kInternal, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(137);  // the kubelet died before prctl took effect
    // The kubelet may block signals in its threads; the container starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(logFd, 1);
    dup2(logFd, 2);
    const int devNull = open("/dev/null", O_RDONLY);
    if (devNull >= 0) dup2(devNull, 0);
    // The kubelet's own sockets (API connections) must not live on in the container.
    syscall(SYS_close_range, 3, ~0U, 0);
    if (!plan.mounts.empty()) {
      if (unshare(CLONE_NEWNS) != 0) childFail(1, "unshare", "CLONE_NEWNS");
      // Private, so our mounts do not propagate back to the host.
      if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        childFail(1, "make-rprivate", "/");
      }
      for (const auto& d : plan.dirsToCreate) mkdir(d.c_str(), 0755);
      for (const auto& f : plan.filesToCreate) {
        const int fd = open(f.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) close(fd);
      }
      for (const auto& m : plan.mounts) {
        if (mount(m.source.c_str(), m.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
          childFail(1, "bind mount at", m.target.c_str());
        }
        if (m.readOnly && mount(nullptr, m.target.c_str(), nullptr,
                                MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
          childFail(1, "read-only remount of", m.target.c_str());
        }
      }
    }
    if (!spec.workingDir.empty() && chdir(spec.workingDir.c_str()) != 0) {
      childFail(1, "chdir", spec.workingDir.c_str());
    }
    execvpe(argv[0], argv.data(), envp.data());
    childFail(1, "exec", argv[0]);
  }
  setpgid(pid, pid);  // also from here, so a signal right after fork reaches the group
  close(logFd);
  return pid;
}

std::optional<ProcessExit> reapIfExited(pid_t pid) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  ProcessExit exit;
  if (r < 0) {
    exit.exitCode = 128;  // someone else reaped it; report an unknown failure
  } else if (WIFEXITED(status)) {
    exit.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
    exit.exitCode = 128 + exit.signal;
  }
  return exit;
}

void signalProcessGroup(pid_t pid, int signal) {
  if (pid > 0) kill(-pid, signal);
}

}  // namespace processkubelet
