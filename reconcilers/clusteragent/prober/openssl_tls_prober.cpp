#include "reconcilers/clusteragent/prober/openssl_tls_prober.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "controller/clock/rfc3339.h"
#include "controller/kube/shared_default_verify_paths.h"
#include "reconcilers/clusteragent/prober/certificate_expiry.h"
#include "reconcilers/clusteragent/prober/http_connect_tunnel.h"
#include "reconcilers/clusteragent/prober/proxy_route.h"
#include "reconcilers/clusteragent/prober/tcp_connect.h"

namespace clusteragent::prober {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct SslCtxDeleter {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslDeleter {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter>;

// OpenSSL writes with write(2), which raises SIGPIPE when the server has
// gone; that would kill the operator. Block it on this thread for the probe
// and swallow one that is pending, without touching process-wide handlers.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&old_, SIGPIPE)) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
};

// The thread's OpenSSL error queue, drained so one probe's errors never leak
// into the next message on this thread.
std::string drainOpensslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    if (!out.empty()) continue;  // the first error is the cause
    const char* reason = ERR_reason_error_string(e);
    out = reason != nullptr ? reason : "error " + std::to_string(e);
  }
  return out;
}

bool isIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::optional<std::chrono::system_clock::time_point> notAfterOf(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// "CN=principal,O=Example" (RFC 2253), for messages.
std::string nameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "?";
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string subjectOf(X509* cert) {
  return nameToString(X509_get_subject_name(cert));
}
std::string issuerOf(X509* cert) {
  return nameToString(X509_get_issuer_name(cert));
}

// "DNS:a.example, IP:10.0.0.1": what the certificate is valid for.
std::string subjectAltNames(X509* cert) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  std::string out;
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    std::string item;
    if (n->type == GEN_DNS) {
      const ASN1_STRING* s = n->d.dNSName;
      item = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = n->d.iPAddress;
      char buf[INET6_ADDRSTRLEN] = {0};
      const int len = ASN1_STRING_length(s);
      if (len == 4 || len == 16) {
        inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof(buf));
        item = std::string("IP:") + buf;
      }
    }
    if (!item.empty()) out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// Loads every certificate of a PEM bundle into the context's store; returns
// how many.
int loadCaBundle(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return 0;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int count = 0;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    if (X509_STORE_add_cert(store, cert.get()) == 1) ++count;
  }
  ERR_clear_error();  // the end of the bundle reads as "no start line"
  return count;
}

struct VerdictInput {
  const ProbeTarget& target;
  long verifyResult;
  X509* cert;
  int caCertificates;  // -1: system roots
  std::optional<std::chrono::system_clock::time_point> notAfter;
};

ProbeResult verdict(const VerdictInput& in) {
  ProbeResult r;
  const std::string server = joinHostPort(in.target.host, in.target.port);
  const std::string trustSource =
      in.caCertificates < 0 ? "the system's trusted roots" : "the configured CA bundle";
  const std::string emptyBundleNote =
      in.caCertificates == 0 ? " (the configured CA bundle contains no PEM certificate)" : "";
  const std::string until =
      in.notAfter ? " (valid until " + ctrl::formatRfc3339(*in.notAfter) + ")" : "";

  switch (in.verifyResult) {
    case X509_V_OK:
      r.reason = ProbeReason::kReachable;
      r.message = "TLS handshake with " + server + " succeeded; the certificate is trusted" + until;
      return r;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      r.reason = ProbeReason::kCertificateExpired;
      r.message = "the server certificate of " + server + " expired at " +
                  (in.notAfter ? ctrl::formatRfc3339(*in.notAfter) : "an unreadable date") +
                  "; the principal needs a renewed certificate";
      r.detail = "subject " + subjectOf(in.cert);
      return r;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: {
      const std::string sans = subjectAltNames(in.cert);
      r.reason = ProbeReason::kCertificateUntrusted;
      r.message = "the server certificate of " + server + " is not valid for \"" +
                  in.target.serverName() +
                  "\" (hostname mismatch); the operator's log names the names it is valid for";
      r.detail = "subject " + subjectOf(in.cert) + "; valid for " +
                 (sans.empty() ? "no subject alternative name" : sans);
      return r;
    }
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      r.reason = ProbeReason::kCertificateUntrusted;
      r.message = "the server " + server + " presents a self-signed certificate that " +
                  trustSource + " does not trust" + emptyBundleNote +
                  "; put it (or its CA) in tls.caSecretRef";
      r.detail = "subject " + subjectOf(in.cert);
      return r;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      r.reason = ProbeReason::kCertificateUntrusted;
      r.message = "the server certificate of " + server + " is not signed by a CA in " +
                  trustSource + emptyBundleNote + "; set tls.caSecretRef to the CA that signed it";
      r.detail = "subject " + subjectOf(in.cert) + "; issued by " + issuerOf(in.cert);
      return r;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      r.reason = ProbeReason::kCertificateUntrusted;
      r.message = "the server certificate of " + server +
                  " is not valid yet (check the clocks of the server and this cluster)";
      return r;
    default:
      r.reason = ProbeReason::kCertificateUntrusted;
      r.message = "the server certificate of " + server +
                  " failed verification: " + X509_verify_cert_error_string(in.verifyResult);
      return r;
  }
}

std::string handshakeHint(const std::string& sslReason) {
  if (sslReason.find("wrong version number") != std::string::npos ||
      sslReason.find("packet length too long") != std::string::npos ||
      sslReason.find("record layer failure") != std::string::npos) {
    return " (the port does not speak TLS: is it a plain-HTTP endpoint?)";
  }
  if (sslReason.find("certificate required") != std::string::npos) {
    return " (the server requires a client certificate)";
  }
  if (sslReason.find("protocol version") != std::string::npos) {
    return " (no common TLS version; TLS 1.2 or newer is required)";
  }
  return "";
}

// The TLS stage on a connected socket: handshake within the deadline, then
// judge the certificate. Fills reason, message, detail and
// certificateNotAfter.
ProbeResult handshake(int fd, const ProbeTarget& target, X509_STORE* systemRoots,
                      SteadyClock::time_point deadline) {
  ProbeResult r;
  const std::string server = joinHostPort(target.host, target.port);
  auto fail = [&](ProbeReason reason, std::string message) {
    r.reason = reason;
    r.message = std::move(message);
    return r;
  };

  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    return fail(ProbeReason::kTLSHandshakeFailed, "cannot set up TLS: " + drainOpensslErrors());
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  int caCertificates = -1;
  if (!target.insecureSkipVerify) {
    if (target.caPem.empty()) {
      if (systemRoots != nullptr) SSL_CTX_set1_cert_store(ctx.get(), systemRoots);
    } else {
      caCertificates = loadCaBundle(ctx.get(), target.caPem);
    }
  }
  // Verification runs but never aborts the handshake: the verdict is read
  // afterwards, so the certificate (and its expiry) is known in every case.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
    return fail(ProbeReason::kTLSHandshakeFailed, "cannot set up TLS: " + drainOpensslErrors());
  }
  const std::string& name = target.serverName();
  const bool ipName = isIpLiteral(name);
  if (!ipName) SSL_set_tlsext_host_name(ssl.get(), name.c_str());  // no SNI for IPs (RFC 6066)
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (ipName) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  }
  // As Go's x509 does (the agent is Go): a CA in the given bundle is an
  // anchor even when it is an intermediate.
  if (caCertificates >= 0) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);

  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) break;
    const int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!waitForFd(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        ERR_clear_error();
        return fail(ProbeReason::kTimeout,
                    "the TLS handshake with " + server + " did not complete within the probe's " +
                        formatDuration(target.timeout) +
                        " (the port accepts connections but does not answer as a TLS server)");
      }
      continue;
    }
    const int sysErrno = errno;
    std::string why = drainOpensslErrors();
    if (why.empty()) {
      why = err == SSL_ERROR_SYSCALL && sysErrno != 0 ? std::strerror(sysErrno)
                                                      : "the server closed the connection";
    }
    return fail(ProbeReason::kTLSHandshakeFailed,
                "the TLS handshake with " + server + " failed: " + why + handshakeHint(why));
  }

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  X509Ptr cert(SSL_get1_peer_certificate(ssl.get()));
#else
  X509Ptr cert(SSL_get_peer_certificate(ssl.get()));
#endif
  if (!cert) {
    SSL_shutdown(ssl.get());
    ERR_clear_error();
    return fail(ProbeReason::kTLSHandshakeFailed,
                "the server " + server + " completed the handshake without a certificate");
  }
  const auto notAfter = notAfterOf(cert.get());
  if (target.insecureSkipVerify) {
    r.reason = ProbeReason::kReachable;
    r.message = "TLS handshake with " + server +
                " succeeded; the certificate was not verified (tls.insecureSkipVerify)";
  } else {
    r = verdict(VerdictInput{target, SSL_get_verify_result(ssl.get()), cert.get(), caCertificates,
                             notAfter});
  }
  r.certificateNotAfter = notAfter;
  SSL_shutdown(ssl.get());  // a courtesy close_notify; the answer is already known
  ERR_clear_error();
  return r;
}

}  // namespace

OpensslTlsProber::OpensslTlsProber(AddressPolicy policy) : policy_(std::move(policy)) {}

ProbeResult OpensslTlsProber::probe(const ProbeTarget& requested) {
  const auto start = SteadyClock::now();
  const auto deadline = start + requested.timeout;  // the one bound of the whole probe
  ProbeTarget target = requested;
  if (target.host.size() > 2 && target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);  // "[::1]" from a URL
  }
  SigpipeBlock sigpipe;
  ERR_clear_error();
  ProbeResult result;
  auto finish = [&](ProbeResult r) {
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    return r;
  };
  auto failed = [&](const ProbeFailure& f, std::string address) {
    ProbeResult r;
    r.reason = f.reason;
    r.message = f.message;
    r.detail = f.detail;
    r.resolvedAddress = std::move(address);
    return finish(std::move(r));
  };

  std::optional<ProxyEndpoint> proxy;
  if (!target.httpsProxy.empty() && !bypassesProxy(target.host, target.port, target.noProxy)) {
    auto parsed = parseProxyUrl(target.httpsProxy);
    if (!parsed.isOk()) {
      return failed(ProbeFailure{ProbeReason::kConnectionRefused,
                                 "invalid https proxy: " + parsed.status().message(), ""},
                    "");
    }
    proxy = std::move(parsed).value();
    // The proxy resolves the target's name, so only what needs no
    // resolving can be judged here; the proxy itself is judged below, as
    // the address the operator connects to.
    const AddressRule rule = policy_.classifyUnresolved(target.host);
    if (rule != AddressRule::kAllowed) {
      return failed(
          ProbeFailure{ProbeReason::kProbeRefused,
                       refusedMessage(rule, "server", joinHostPort(target.host, target.port)),
                       "through proxy " + proxy->display()},
          "");
    }
  }

  TcpConnectResult tcp = proxy ? connectTcp(proxy->host, proxy->port, deadline, "proxy", policy_)
                               : connectTcp(target.host, target.port, deadline, "server", policy_);
  if (tcp.failure) return failed(*tcp.failure, "");
  const int fd = tcp.connection.fd.get();

  if (proxy) {
    if (auto f = openConnectTunnel(fd, *proxy, target.host, target.port, deadline)) {
      return failed(*f, tcp.connection.address);
    }
  }
  X509_STORE* roots = target.insecureSkipVerify || !target.caPem.empty()
                          ? nullptr
                          : ctrl::kube::sharedSystemRoots();
  result = handshake(fd, target, roots, deadline);
  result.resolvedAddress = tcp.connection.address;
  return finish(std::move(result));
}

}  // namespace clusteragent::prober
