#include "controller/manager/connection_guard.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>

#include "controller/logging/logger.h"
#include "controller/manager/deadline_socket.h"
#include "controller/manager/http_request_head.h"

namespace ctrl::manager {
namespace {

using kube::Code;
using kube::Status;
using Clock = std::chrono::steady_clock;

// The relay's buffer: the answer (metrics can be large) streams through it.
constexpr size_t kRelayBufferBytes = 16 * 1024;
// After refusing a request, what we read and drop so the client sees the
// answer instead of a reset (bounded: a 300 MB header is not read to its end).
constexpr size_t kDrainBytes = 256 * 1024;
constexpr auto kDrainTime = std::chrono::seconds(1);
// How long stop() waits for connection threads to notice their sockets closed.
constexpr auto kStopWait = std::chrono::seconds(5);

// Opens a blocking loopback connection to the listener.
int connectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct GuardState {
  std::mutex mu;
  std::condition_variable cv;
  std::set<int> fds;  // open sockets of live connections, shut down by stop()
  size_t active = 0;
  bool stopping = false;

  void track(int fd) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    fds.insert(fd);
  }
  void untrack(int fd) {
    std::lock_guard<std::mutex> lock(mu);
    fds.erase(fd);
  }
};

namespace {

class Connection {
 public:
  Connection(int fd, const ConnectionGuardOptions& options, std::shared_ptr<GuardState> shared)
      : client_(fd), options_(options), shared_(std::move(shared)) {
    shared_->track(client_.fd());
  }
  ~Connection() {
    shared_->untrack(client_.fd());
    if (backend_) shared_->untrack(backend_->fd());
  }

  void serve() {
    const Deadline headDeadline = Clock::now() + options_.headTimeout;
    if (options_.tls && !client_.acceptTls(*options_.tls, headDeadline)) {
      refused(Clock::now() >= headDeadline ? "head_timeout" : "tls_handshake");
      return;
    }

    // The head: read in small pieces into a buffer that never passes the cap.
    std::string buffered;
    buffered.reserve(std::min<size_t>(options_.maxHeadBytes + 1, 4096));
    size_t headEnd = std::string::npos;
    char chunk[4096];
    while (headEnd == std::string::npos) {
      size_t room = options_.maxHeadBytes + 1 - buffered.size();
      if (room == 0) {
        refuse("header_too_large", 431, "Request Header Fields Too Large",
               "request header fields too large\n");
        return;
      }
      ssize_t n = client_.read(chunk, std::min(sizeof(chunk), room), headDeadline);
      if (n <= 0) {  // gone, or too slow: nothing to answer
        if (n < 0 && Clock::now() >= headDeadline) refused("head_timeout");
        return;
      }
      // Look for the end only around the new bytes.
      size_t from = buffered.size() >= 3 ? buffered.size() - 3 : 0;
      buffered.append(chunk, static_cast<size_t>(n));
      size_t end = findHeadEnd(std::string_view(buffered).substr(from));
      if (end != std::string::npos) headEnd = from + end;
      if (headEnd != std::string::npos && headEnd > options_.maxHeadBytes) {
        refuse("header_too_large", 431, "Request Header Fields Too Large",
               "request header fields too large\n");
        return;
      }
    }
    auto head = parseRequestHead(std::string_view(buffered).substr(0, headEnd));
    if (!head.isOk()) {
      refuse("malformed", 400, "Bad Request", "bad request\n");
      return;
    }
    if (head->chunked) {
      refuse("chunked_body", 411, "Length Required", "chunked request bodies are not accepted\n");
      return;
    }
    if (head->contentLength > options_.maxBodyBytes) {
      refuse("body_too_large", 413, "Content Too Large", "request body too large\n");
      return;
    }
    // The body, if any: what came with the head, then the rest (small, capped).
    std::string body = buffered.substr(headEnd, head->contentLength);
    while (body.size() < head->contentLength) {
      ssize_t n = client_.read(
          chunk, std::min(sizeof(chunk), static_cast<size_t>(head->contentLength - body.size())),
          headDeadline);
      if (n <= 0) {
        if (n < 0 && Clock::now() >= headDeadline) refused("head_timeout");
        return;
      }
      body.append(chunk, static_cast<size_t>(n));
    }
    buffered.clear();
    buffered.shrink_to_fit();
    relay(headForBackend(*head) + body);
  }

 private:
  void refused(const char* why) {
    if (options_.onRefused) options_.onRefused(why);
  }

  void refuse(const char* why, int code, const char* reason, const char* text) {
    refused(why);
    logging::debug("refused a request", {{"code", code}, {"reason", why}});
    const Deadline deadline = Clock::now() + kDrainTime;
    if (!client_.writeAll(plainResponse(code, reason, text), deadline)) return;
    client_.finishWriting();
    client_.drain(kDrainBytes, deadline);
  }

  void relay(const std::string& request) {
    int fd = connectLoopback(options_.backendPort);
    if (fd < 0) {
      logging::warn("cannot reach the listener behind the guard", {{"port", options_.backendPort}});
      const Deadline deadline = Clock::now() + kDrainTime;
      if (client_.writeAll(plainResponse(503, "Service Unavailable", "service unavailable\n"),
                           deadline)) {
        client_.finishWriting();
      }
      return;
    }
    backend_ = std::make_unique<DeadlineSocket>(fd);
    shared_->track(fd);
    if (!backend_->writeAll(request, Clock::now() + options_.relayTimeout)) return;
    std::string buf(kRelayBufferBytes, '\0');
    for (;;) {
      ssize_t n = backend_->read(buf.data(), buf.size(), Clock::now() + options_.relayTimeout);
      if (n < 0) return;  // the listener failed or stalled: the client sees a cut answer
      if (n == 0) break;
      if (!client_.writeAll(std::string_view(buf.data(), static_cast<size_t>(n)),
                            Clock::now() + options_.relayTimeout)) {
        return;
      }
    }
    client_.finishWriting();
    client_.drain(kDrainBytes, Clock::now() + kDrainTime);
  }

  DeadlineSocket client_;
  std::unique_ptr<DeadlineSocket> backend_;
  const ConnectionGuardOptions& options_;
  std::shared_ptr<GuardState> shared_;
};

// "host:port" parts -> a listening socket, or a Status.
kube::StatusOr<int> listenOn(const std::string& host, uint16_t port) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) h = "0.0.0.0";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(h.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    return Status(Code::kInvalidArgument, "resolving \"" + h + "\": " + gai_strerror(rc));
  }
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) break;
    error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return Status(Code::kUnavailable,
                  "listening on " + h + ":" + std::to_string(port) + ": " + error);
  }
  return fd;
}

uint16_t boundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

}  // namespace

ConnectionGuard::ConnectionGuard(ConnectionGuardOptions options)
    : options_(std::move(options)), shared_(std::make_shared<GuardState>()) {}

ConnectionGuard::~ConnectionGuard() {
  stop();
}

kube::Status ConnectionGuard::listen() {
  if (listen_fd_ >= 0) return Status::ok();
  auto fd = listenOn(options_.host, options_.port);
  if (!fd.isOk()) return fd.status();
  listen_fd_ = *fd;
  bound_port_ = boundPort(listen_fd_);
  return Status::ok();
}

kube::Status ConnectionGuard::start() {
  Status bound = listen();
  if (!bound.isOk()) return bound;
  if (::pipe2(wake_fds_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Status(Code::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  accept_thread_ = std::thread([this] { acceptLoop(); });
  return Status::ok();
}

void ConnectionGuard::acceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;  // stop()
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: back off instead of spinning on a ready socket.
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->stopping || shared_->active >= options_.maxConnections) {
        if (!shared_->stopping && options_.onRefused) options_.onRefused("connection_limit");
        ::close(fd);
        continue;
      }
      ++shared_->active;
    }
    // Options are copied into the thread: it may outlive this guard's stop() wait.
    auto options = std::make_shared<ConnectionGuardOptions>(options_);
    std::shared_ptr<GuardState> shared = shared_;
    try {
      std::thread([fd, options, shared] {
        // OpenSSL writes with write(2): a vanished client must not SIGPIPE the process.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        {
          Connection connection(fd, *options, shared);
          connection.serve();
        }
        std::lock_guard<std::mutex> lock(shared->mu);
        --shared->active;
        shared->cv.notify_all();
      }).detach();
    } catch (const std::system_error&) {
      ::close(fd);
      std::lock_guard<std::mutex> lock(shared_->mu);
      --shared_->active;
    }
  }
}

void ConnectionGuard::stop() {
  if (accept_thread_.joinable()) {
    char one = 1;
    (void)!::write(wake_fds_[1], &one, 1);
    accept_thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  for (int& fd : wake_fds_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->stopping = true;
  for (int fd : shared_->fds) ::shutdown(fd, SHUT_RDWR);
  if (!shared_->cv.wait_for(lock, kStopWait, [this] { return shared_->active == 0; })) {
    logging::warn("connections still open after stop", {{"connections", shared_->active}});
  }
}

size_t ConnectionGuard::activeConnections() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->active;
}

}  // namespace ctrl::manager
