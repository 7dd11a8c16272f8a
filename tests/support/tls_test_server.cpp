#include "tests/support/tls_test_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <mutex>

#include "tests/support/tls_server_context.h"

namespace testsupport {

struct TlsTestServer::Tls {
  SSL_CTX* ctx = nullptr;
  mutable std::mutex mu;
  std::string lastServerName;
  ~Tls() { SSL_CTX_free(ctx); }
};

TlsTestServer::TlsTestServer(const std::string& certPem, const std::string& keyPem)
    : tls_(std::make_unique<Tls>()) {
  tls_->ctx = newTlsServerContext(certPem, keyPem);
  thread_ = std::thread([this] { serve(); });
}

TlsTestServer::~TlsTestServer() {
  stop_ = true;
  thread_.join();
}

std::string TlsTestServer::lastServerName() const {
  std::lock_guard<std::mutex> lock(tls_->mu);
  return tls_->lastServerName;
}

void TlsTestServer::serve() {
  blockSigpipeOnThisThread();
  while (!stop_) {
    const int fd = listener_.acceptFor(std::chrono::milliseconds(50));
    if (fd < 0) continue;
    // A client that stalls must not wedge the server for the next test.
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    SSL* ssl = SSL_new(tls_->ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
      {
        std::lock_guard<std::mutex> lock(tls_->mu);
        tls_->lastServerName = sni != nullptr ? sni : "";
      }
      ++handshakes_;
      // Wait for the client's close_notify or EOF, then answer it.
      char buf[256];
      while (SSL_read(ssl, buf, sizeof(buf)) > 0) {
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
    ERR_clear_error();
  }
}

}  // namespace testsupport
