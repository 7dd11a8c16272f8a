#include "tests/support/fault_proxy.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/tcp_dial.h"

namespace testsupport {
namespace {

constexpr int kPollMs = 50;

// Moves what `from` has to `to`; false when either side is done.
bool pump(int from, int to) {
  char buf[16384];
  const ssize_t n = recv(from, buf, sizeof buf, 0);
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    const ssize_t w = send(to, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += w;
  }
  return true;
}

}  // namespace

FaultProxy::FaultProxy(std::string upstreamHostPort) : upstream_(std::move(upstreamHostPort)) {
  acceptor_ = std::thread([this] { serve(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  acceptor_.join();
  cutAll();
  for (auto& t : relays_) t.join();
}

void FaultProxy::cutAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : connections_) c->cut = true;
}

void FaultProxy::serve() {
  blockSigpipeOnThisThread();
  while (!stop_) {
    const int fd = listener_.acceptFor(std::chrono::milliseconds(kPollMs));
    if (fd < 0) continue;
    ++accepted_;
    auto c = std::make_shared<Connection>();
    c->client = fd;
    std::lock_guard<std::mutex> lock(mu_);
    connections_.push_back(c);
    relays_.emplace_back([this, c] { relay(c); });
  }
}

void FaultProxy::relay(const std::shared_ptr<Connection>& c) {
  blockSigpipeOnThisThread();
  // A stalled proxy does not even dial: a new connection hears nothing either.
  while (stalled_ && !c->cut && !stop_) usleep(kPollMs * 1000);
  if (!c->cut && !stop_) c->upstream = dialTcp(upstream_);
  while (c->upstream >= 0 && !c->cut && !stop_) {
    if (stalled_) {
      usleep(kPollMs * 1000);
      continue;
    }
    pollfd fds[2] = {{c->client, POLLIN, 0}, {c->upstream, POLLIN, 0}};
    if (poll(fds, 2, kPollMs) <= 0) continue;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(c->client, c->upstream)) break;
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(c->upstream, c->client)) break;
  }
  if (c->upstream >= 0) close(c->upstream);
  close(c->client);
}

}  // namespace testsupport
