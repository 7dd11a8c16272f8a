#pragma once
// The server side of TLS for the metrics endpoint (controller-runtime's
// secure metrics serving): a certificate and key from a directory
// (tls.crt / tls.key, as a kubernetes.io/tls Secret mounts them), or, when
// none is given, a self-signed one made at start, as controller-runtime does.
// TLS 1.2 or later. A certificate directory is watched as controller-runtime's
// certwatcher does: when tls.crt or tls.key change (cert-manager renewing the
// Secret, the kubelet swapping the volume's files), the next connection after
// the recheck interval gets the new pair; a pair that does not load (half
// written, mismatched) is skipped and the old one kept.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/kube/status.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header
struct ssl_st;      // OpenSSL's SSL

namespace ctrl::manager {

class ServerTls {
 public:
  ~ServerTls();
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // <dir>/tls.crt (the chain, leaf first) and <dir>/tls.key, re-read when
  // they change, at most once per `recheck`.
  static kube::StatusOr<std::shared_ptr<ServerTls>> fromCertDir(
      const std::string& dir, std::chrono::milliseconds recheck = std::chrono::seconds(10));
  // A fresh EC P-256 key and a one-year self-signed certificate naming
  // `names` (DNS names or IP addresses) in its subjectAltName.
  static kube::StatusOr<std::shared_ptr<ServerTls>> selfSigned(
      const std::vector<std::string>& names);
  // PEM certificate and key given in memory.
  static kube::StatusOr<std::shared_ptr<ServerTls>> fromPem(const std::string& certPem,
                                                            const std::string& keyPem);

  // A server-side TLS session for one connection, with the current
  // certificate (after reloading a changed directory); the caller frees it
  // (SSL_free). nullptr when OpenSSL fails.
  ssl_st* newSession();
  // The serving certificate, PEM (for clients that pin it, e.g. tests).
  std::string certificatePem() const;

 private:
  ServerTls(ssl_ctx_st* ctx, std::string certPem) : ctx_(ctx), cert_pem_(std::move(certPem)) {}
  void reloadIfChanged();  // mu_ held

  mutable std::mutex mu_;
  ssl_ctx_st* ctx_;
  std::string cert_pem_;
  // Set for a certificate directory.
  std::string dir_;
  std::chrono::milliseconds recheck_{0};
  std::chrono::steady_clock::time_point next_check_;
  std::string files_stamp_;  // inode, size and mtime of both files when last loaded
};
using ServerTlsPtr = std::shared_ptr<ServerTls>;

}  // namespace ctrl::manager
