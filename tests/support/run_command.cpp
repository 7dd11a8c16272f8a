#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/control_plane.h"

extern char** environ;

namespace testsupport {
namespace {

// The command's stdin: an unlinked temporary file holding `input`, so that a
// command that never reads it cannot block us (and no SIGPIPE can hit us).
int inputFd(const std::string& input, std::string* error) {
  if (input.empty()) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) *error = std::string("open /dev/null: ") + std::strerror(errno);
    return fd;
  }
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/testsupport-stdin-XXXXXX";
  int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    *error = std::string("mkostemp: ") + std::strerror(errno);
    return -1;
  }
  unlink(path.c_str());
  size_t written = 0;
  while (written < input.size()) {
    ssize_t n = write(fd, input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("write stdin file: ") + std::strerror(errno);
      close(fd);
      return -1;
    }
    written += static_cast<size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input) {
  CommandResult result;
  if (argv.empty()) {
    result.output = "runCommand: empty argv";
    return result;
  }
  std::string error;
  int in = inputFd(input, &error);
  if (in < 0) {
    result.output = "runCommand: " + error;
    return result;
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    result.output = std::string("runCommand: pipe: ") + std::strerror(errno);
    close(in);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    result.output = "runCommand: cannot run " + argv[0] + ": " + std::strerror(rc);
    return result;
  }

  char buf[8192];
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      result.output += std::string("\nrunCommand: waitpid: ") + std::strerror(errno);
      return result;
    }
  }
  if (WIFEXITED(status)) {
    result.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exitCode = 128 + WTERMSIG(status);
  }
  return result;
}

}  // namespace testsupport
