#pragma once
// The built operator binary as a child process: started with its flags, its
// /metrics scraped over loopback, its RSS and CPU time read from /proc, and
// stopped with SIGTERM (SIGKILL after a grace period).

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/free_loopback_port.h"
#include "tests/support/process_usage.h"

namespace testsupport {

class OperatorProcess {
 public:
  // args exclude argv[0]; stdout and stderr go to logPath.
  OperatorProcess(std::string binary, std::vector<std::string> args, std::string logPath);
  ~OperatorProcess();  // stop()
  OperatorProcess(const OperatorProcess&) = delete;
  OperatorProcess& operator=(const OperatorProcess&) = delete;

  bool start(std::string* error);
  bool running();
  // SIGTERM, then SIGKILL after `grace`; returns the exit status text.
  std::string stop(std::chrono::seconds grace = std::chrono::seconds(30));
  // SIGKILL, as the kubelet or the OOM killer would: no shutdown at all.
  void kill();
  // Waits up to `timeout` for the process to end on its own: its exit status
  // text, or "still running".
  std::string waitForExit(std::chrono::seconds timeout);
  pid_t pid() const { return pid_; }
  std::optional<ProcessUsage> usage() const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// GET http://127.0.0.1:<port><path>; the body on 200, nullopt otherwise.
std::optional<std::string> httpGet(int port, const std::string& path,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The last `lines` lines of the file at path (a log), for failure messages.
std::string fileTail(const std::string& path, size_t lines);

// The binary's --help text (empty when it prints none, e.g. a placeholder main).
std::string helpText(const std::string& binary);

}  // namespace testsupport
