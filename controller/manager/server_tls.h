#pragma once
// The server side of TLS for the metrics endpoint (controller-runtime's
// secure metrics serving): a certificate and key from a directory
// (tls.crt / tls.key, as a kubernetes.io/tls Secret mounts them), or, when
// none is given, a self-signed one made at start, as controller-runtime does.
// TLS 1.2 or later.

#include <memory>
#include <string>
#include <vector>

#include "controller/kube/status.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header

namespace ctrl::manager {

class ServerTls {
 public:
  ~ServerTls();
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // <dir>/tls.crt (the chain, leaf first) and <dir>/tls.key.
  static kube::StatusOr<std::shared_ptr<ServerTls>> fromCertDir(const std::string& dir);
  // A fresh EC P-256 key and a one-year self-signed certificate naming
  // `names` (DNS names or IP addresses) in its subjectAltName.
  static kube::StatusOr<std::shared_ptr<ServerTls>> selfSigned(
      const std::vector<std::string>& names);
  // PEM certificate and key given in memory.
  static kube::StatusOr<std::shared_ptr<ServerTls>> fromPem(const std::string& certPem,
                                                            const std::string& keyPem);

  ssl_ctx_st* context() const { return ctx_; }
  // The serving certificate, PEM (for clients that pin it, e.g. tests).
  const std::string& certificatePem() const { return cert_pem_; }

 private:
  ServerTls(ssl_ctx_st* ctx, std::string certPem) : ctx_(ctx), cert_pem_(std::move(certPem)) {}
  ssl_ctx_st* ctx_;
  std::string cert_pem_;
};
using ServerTlsPtr = std::shared_ptr<ServerTls>;

}  // namespace ctrl::manager
