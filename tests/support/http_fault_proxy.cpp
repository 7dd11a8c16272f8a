#include "tests/support/http_fault_proxy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "tests/support/tcp_dial.h"
#include "tests/support/tls_server_context.h"

namespace testsupport {
namespace {

constexpr int kPollMs = 50;
// A request head larger than this is not one the clients under test send.
constexpr size_t kMaxHead = 1 << 20;

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// The body length a request head declares: Content-Length, 0 without one, -1
// when chunked (then the rest of the connection is relayed unparsed).
long bodyLength(const std::string& head) {
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);  // request line
  while (std::getline(lines, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = lowercase(line.substr(0, colon));
    const std::string value = lowercase(line.substr(colon + 1));
    if (name == "content-length") return std::stol(value);
    if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) return -1;
  }
  return 0;
}

bool isWatch(const std::string& head) {
  const std::string requestLine = head.substr(0, head.find("\r\n"));
  return requestLine.find("watch=true") != std::string::npos ||
         requestLine.find("watch=1") != std::string::npos;
}

// What the API server itself answers in these cases: a Status object.
std::string statusResponse(int code) {
  const char* text = code == 429   ? "Too Many Requests"
                     : code == 503 ? "Service Unavailable"
                                   : "Internal Server Error";
  const char* reason = code == 429   ? "TooManyRequests"
                       : code == 503 ? "ServiceUnavailable"
                                     : "InternalError";
  const std::string body =
      std::string(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)") +
      R"("message":"injected by the test's fault proxy","reason":")" + reason +
      R"(","details":{"retryAfterSeconds":1},"code":)" + std::to_string(code) + "}";
  std::string head =
      "HTTP/1.1 " + std::to_string(code) + " " + text +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n";
  if (code != 500) head += "Retry-After: 1\r\n";
  return head + "\r\n" + body;
}

bool writeAll(SSL* ssl, const char* data, size_t size) {
  while (size > 0) {
    const int n = SSL_write(ssl, data, static_cast<int>(size));
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool writeAll(SSL* ssl, const std::string& bytes) {
  return writeAll(ssl, bytes.data(), bytes.size());
}

}  // namespace

struct HttpFaultProxy::Tls {
  SSL_CTX* server = nullptr;
  SSL_CTX* client = nullptr;
  ~Tls() {
    SSL_CTX_free(server);
    SSL_CTX_free(client);
  }
};

struct HttpFaultProxy::Connection {
  int client = -1;
  int upstream = -1;
  SSL* clientTls = nullptr;
  SSL* upstreamTls = nullptr;
  std::string pending;       // client bytes not yet relayed
  bool passthrough = false;  // a chunked request: relay the rest unparsed
  // Read by the fault calls under the proxy's mutex.
  std::atomic<bool> watch{false};
  std::atomic<bool> stalled{false};
  std::atomic<bool> cut{false};
  bool closed = false;  // fds closed (guarded by the proxy's mutex)
};

HttpFaultProxy::HttpFaultProxy(std::string upstreamHostPort, const TestCertificateAuthority& ca)
    : upstream_(std::move(upstreamHostPort)), tls_(std::make_unique<Tls>()) {
  const IssuedCertificate cert = ca.issue();
  tls_->server = newTlsServerContext(cert.certPem, cert.keyPem);
  tls_->client = SSL_CTX_new(TLS_client_method());
  // The proxy is the test's own; the client under test verifies the proxy
  // (through the test CA), which is the verification under test.
  SSL_CTX_set_verify(tls_->client, SSL_VERIFY_NONE, nullptr);
  acceptor_ = std::thread([this] { serve(); });
}

HttpFaultProxy::~HttpFaultProxy() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : relays_) t.join();
}

void HttpFaultProxy::addLatency(std::chrono::milliseconds delay) {
  latencyMs_ = delay.count();
}

void HttpFaultProxy::failShare(double share) {
  std::lock_guard<std::mutex> lock(mu_);
  share_ = share;
}

int HttpFaultProxy::nextFault() {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.requests;
  if (share_ <= 0 || std::uniform_real_distribution<double>(0, 1)(random_) >= share_) return 0;
  ++counts_.failed;
  static const int kCodes[] = {429, 500, 503};
  return kCodes[rotation_++ % 3];
}

int HttpFaultProxy::cutWatches() {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (auto& c : connections_) {
    if (c->closed || !c->watch || c->cut) continue;
    c->cut = true;
    // Wakes the relay wherever it blocks; it closes the sockets.
    shutdown(c->client, SHUT_RDWR);
    if (c->upstream >= 0) shutdown(c->upstream, SHUT_RDWR);
    ++n;
  }
  counts_.watchesCut += n;
  return n;
}

int HttpFaultProxy::stallWatches() {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (auto& c : connections_) {
    if (c->closed || !c->watch || c->cut || c->stalled) continue;
    c->stalled = true;
    ++n;
  }
  counts_.watchesStalled += n;
  return n;
}

HttpFaultProxy::Counts HttpFaultProxy::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void HttpFaultProxy::serve() {
  blockSigpipeOnThisThread();
  while (!stop_) {
    const int fd = listener_.acceptFor(std::chrono::milliseconds(kPollMs));
    if (fd < 0) continue;
    auto c = std::make_shared<Connection>();
    c->client = fd;
    std::lock_guard<std::mutex> lock(mu_);
    // Closed connections go, or a long test would keep thousands.
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [](const auto& old) { return old->closed; }),
                       connections_.end());
    connections_.push_back(c);
    relays_.emplace_back([this, c] { relay(c); });
  }
}

bool HttpFaultProxy::connectUpstream(Connection& c) {
  const int fd = dialTcp(upstream_);
  if (fd < 0) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c.upstream = fd;
  }
  c.upstreamTls = SSL_new(tls_->client);
  SSL_set_fd(c.upstreamTls, fd);
  return SSL_connect(c.upstreamTls) == 1;
}

bool HttpFaultProxy::forwardRequests(Connection& c) {
  while (true) {
    const size_t headEnd = c.pending.find("\r\n\r\n");
    if (headEnd == std::string::npos) return c.pending.size() <= kMaxHead;
    const std::string head = c.pending.substr(0, headEnd + 4);
    const long body = bodyLength(head);
    if (body < 0) {
      c.passthrough = true;
      if (c.upstreamTls == nullptr && !connectUpstream(c)) return false;
      const bool sent = writeAll(c.upstreamTls, c.pending);
      c.pending.clear();
      return sent;
    }
    const size_t size = head.size() + static_cast<size_t>(body);
    if (c.pending.size() < size) return true;
    const std::string request = c.pending.substr(0, size);
    c.pending.erase(0, size);
    c.watch = isWatch(head);
    if (const int code = nextFault()) {
      c.watch = false;
      if (!writeAll(c.clientTls, statusResponse(code))) return false;
      continue;
    }
    if (const int64_t ms = latencyMs_.load(); ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_.delayed;
    }
    if (c.upstreamTls == nullptr && !connectUpstream(c)) return false;
    if (!writeAll(c.upstreamTls, request)) return false;
  }
}

void HttpFaultProxy::relay(const std::shared_ptr<Connection>& c) {
  blockSigpipeOnThisThread();
  // A client that never completes its handshake must not hold the thread.
  timeval tv{10, 0};
  setsockopt(c->client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  c->clientTls = SSL_new(tls_->server);
  SSL_set_fd(c->clientTls, c->client);
  bool open = SSL_accept(c->clientTls) == 1;
  char buf[16384];
  while (open && !c->cut && !stop_) {
    if (c->stalled) {
      // Silent both ways; only notice the client giving up on it.
      pollfd fd{c->client, POLLIN, 0};
      if (poll(&fd, 1, kPollMs) > 0 && recv(c->client, buf, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) {
        std::lock_guard<std::mutex> lock(mu_);
        ++counts_.stalledAbandoned;
        break;
      }
      continue;
    }
    bool fromClient = SSL_pending(c->clientTls) > 0;
    bool fromUpstream = c->upstreamTls != nullptr && SSL_pending(c->upstreamTls) > 0;
    if (!fromClient && !fromUpstream) {
      pollfd fds[2] = {{c->client, POLLIN, 0}, {c->upstream, POLLIN, 0}};
      if (poll(fds, c->upstream >= 0 ? 2 : 1, kPollMs) <= 0) continue;
      fromClient = fds[0].revents != 0;
      fromUpstream = c->upstream >= 0 && fds[1].revents != 0;
    }
    if (fromClient) {
      const int n = SSL_read(c->clientTls, buf, sizeof buf);
      if (n <= 0) break;
      if (c->passthrough) {
        open = writeAll(c->upstreamTls, buf, static_cast<size_t>(n));
      } else {
        c->pending.append(buf, static_cast<size_t>(n));
        open = forwardRequests(*c);
      }
    }
    if (open && fromUpstream && !c->stalled) {
      const int n = SSL_read(c->upstreamTls, buf, sizeof buf);
      open = n > 0 && writeAll(c->clientTls, buf, static_cast<size_t>(n));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  SSL_free(c->clientTls);
  if (c->upstreamTls != nullptr) SSL_free(c->upstreamTls);
  if (c->upstream >= 0) close(c->upstream);
  close(c->client);
  c->closed = true;
  ERR_clear_error();
}

}  // namespace testsupport
