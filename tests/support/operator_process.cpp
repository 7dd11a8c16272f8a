#include "tests/support/operator_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/control_plane.h"

extern char** environ;

namespace testsupport {

namespace {
const char kStillRunning[] = "still running";
}  // namespace

OperatorProcess::OperatorProcess(std::string binary, std::vector<std::string> args,
                                 std::string logPath)
    : binary_(std::move(binary)), args_(std::move(args)), log_path_(std::move(logPath)) {}

OperatorProcess::~OperatorProcess() {
  stop();
}

bool OperatorProcess::start(std::string* error) {
  int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "open " + log_path_ + ": " + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary_.c_str()));
  for (auto& a : args_) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fd);
  if (rc != 0) {
    pid_ = -1;
    *error = "spawn " + binary_ + ": " + std::strerror(rc);
    return false;
  }
  return true;
}

bool OperatorProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string OperatorProcess::stop(std::chrono::seconds grace) {
  if (pid_ <= 0) return "not running";
  ::kill(pid_, SIGTERM);
  std::string how = waitForExit(grace);
  if (how != kStillRunning) return how;
  kill();
  return "killed after " + std::to_string(grace.count()) + " s without exiting on SIGTERM";
}

void OperatorProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string OperatorProcess::waitForExit(std::chrono::seconds timeout) {
  if (pid_ <= 0) return "not running";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) return kStillRunning;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "unknown";
}

std::optional<ProcessUsage> OperatorProcess::usage() const {
  if (pid_ <= 0) return std::nullopt;
  return processUsage(pid_);
}

namespace {

// True once the headers and Content-Length bytes of body have arrived, so a
// server that keeps the connection open does not cost us the timeout.
bool complete(const std::string& resp) {
  size_t end = resp.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string headers = resp.substr(0, end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = headers.find("content-length:");
  if (at == std::string::npos) return false;
  size_t length = std::strtoul(headers.c_str() + at + 15, nullptr, 10);
  return resp.size() >= end + 4 + length;
}

}  // namespace

std::optional<std::string> httpGet(int port, const std::string& path,
                                   std::chrono::milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return std::nullopt;
  }
  std::string resp;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
    if (complete(resp)) break;
  }
  ::close(fd);
  size_t sp = resp.find(' ');
  if (sp == std::string::npos || resp.compare(sp + 1, 3, "200") != 0) return std::nullopt;
  size_t body = resp.find("\r\n\r\n");
  if (body == std::string::npos) return std::nullopt;
  return resp.substr(body + 4);
}

std::string fileTail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  std::string line;
  while (std::getline(in, line)) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += all[i] + "\n";
  }
  return out;
}

std::string helpText(const std::string& binary) {
  return testsupport::runCommand({binary, "--help"}).output;
}

}  // namespace testsupport
