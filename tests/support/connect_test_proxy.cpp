#include "tests/support/connect_test_proxy.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include "tests/support/tcp_dial.h"

namespace testsupport {
namespace {

bool sendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

ConnectTestProxy::ConnectTestProxy(std::string refusal) : refusal_(std::move(refusal)) {
  thread_ = std::thread([this] { serve(); });
}

ConnectTestProxy::~ConnectTestProxy() {
  stop_ = true;
  thread_.join();
}

std::vector<std::string> ConnectTestProxy::requestHeads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heads_;
}

std::vector<std::string> ConnectTestProxy::requestLines() const {
  std::vector<std::string> lines;
  for (const auto& h : requestHeads()) lines.push_back(h.substr(0, h.find("\r\n")));
  return lines;
}

void ConnectTestProxy::serve() {
  blockSigpipeOnThisThread();
  while (!stop_) {
    const int fd = listener_.acceptFor(std::chrono::milliseconds(50));
    if (fd < 0) continue;
    handle(fd);  // one tunnel at a time is all the tests need
    close(fd);
  }
}

void ConnectTestProxy::handle(int client) {
  timeval tv{5, 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string head;
  char c = 0;
  while (head.size() < 16384 &&
         (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0)) {
    if (recv(client, &c, 1, 0) != 1) return;
    head.push_back(c);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    heads_.push_back(head);
  }
  const std::string line = head.substr(0, head.find("\r\n"));
  if (!refusal_.empty()) {
    sendAll(client, refusal_ + "\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (line.rfind("CONNECT ", 0) != 0 || sp2 == std::string::npos) {
    sendAll(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const int upstream = dialTcp(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (upstream < 0) {
    sendAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  if (sendAll(client, "HTTP/1.1 200 Connection established\r\n\r\n")) {
    char buf[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    while (!stop_) {
      const int rc = poll(fds, 2, 50);
      if (rc < 0) break;
      if (rc == 0) continue;
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (fds[i].revents == 0) continue;
        const ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
        if (n <= 0 || !sendAll(fds[1 - i].fd, std::string(buf, static_cast<size_t>(n)))) {
          done = true;
        }
      }
      if (done) break;
    }
  }
  close(upstream);
}

}  // namespace testsupport
