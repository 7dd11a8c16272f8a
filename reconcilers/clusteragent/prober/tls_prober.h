#pragma once
// The TLS reachability seam: "can the operator itself resolve, connect to and
// complete a verified TLS handshake with the principal?" It feeds the
// ServerReachable condition. Real implementation: OpensslTlsProber; unit tests
// of the scheduler and reconciler use a mock.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace clusteragent::prober {

struct ProbeTarget {
  std::string host;  // DNS name or IP literal (IPv6 without brackets)
  uint16_t port = 443;
  std::string caPem;  // PEM bundle that verifies the server; empty: system roots
  bool insecureSkipVerify = false;
  std::string sni;         // server name sent and verified; empty: host
  std::string httpsProxy;  // http://[user:pass@]host:port, tunnelled with CONNECT; empty: direct
  std::string noProxy;     // NO_PROXY syntax: hosts, .suffixes, IPs/CIDRs, "*"
  // The whole probe: DNS, the connect attempts, the proxy's CONNECT and the
  // TLS handshake share this one deadline.
  std::chrono::milliseconds timeout{5000};

  // The name the server certificate must carry (and, for DNS names, the SNI).
  const std::string& serverName() const { return sni.empty() ? host : sni; }

  bool operator==(const ProbeTarget& o) const {
    return host == o.host && port == o.port && caPem == o.caPem &&
           insecureSkipVerify == o.insecureSkipVerify && sni == o.sni &&
           httpsProxy == o.httpsProxy && noProxy == o.noProxy && timeout == o.timeout;
  }
  bool operator!=(const ProbeTarget& o) const { return !(*this == o); }
};

// The ServerReachable condition reasons (api.md), in the order a probe gets
// through them. kProbeRefused: the address rules (address_policy.h) forbade
// connecting, so nothing was probed.
enum class ProbeReason {
  kReachable,
  kProbeRefused,
  kDNSError,
  kConnectionRefused,
  kTimeout,
  kTLSHandshakeFailed,
  kCertificateUntrusted,
  kCertificateExpired,
};

// "Reachable", "DNSError", ... exactly as the condition reason is spelled.
const char* reasonName(ProbeReason reason);
// The inverse of reasonName; nullopt for any other text.
std::optional<ProbeReason> parseReasonName(const std::string& name);

struct ProbeResult {
  ProbeReason reason = ProbeReason::kReachable;
  // For status: the reason class, host:port and what to check. Never a
  // resolved IP, certificate name or byte the peer sent (those go in
  // `detail`), never a credential (proxy userinfo is stripped).
  // Deterministic for the same failure, so a repeated probe does not churn
  // the condition message.
  std::string message;
  // For the operator's log only: resolved addresses and their errors,
  // certificate subject/issuer/SANs, the proxy's answer. Empty when there is
  // nothing beyond `message`.
  std::string detail;
  // The server certificate's notAfter, whenever one was presented (also when
  // verification failed or was skipped).
  std::optional<std::chrono::system_clock::time_point> certificateNotAfter;
  // "ip:port" connected to (the proxy's when tunnelled); empty when none was.
  std::string resolvedAddress;
  std::chrono::milliseconds duration{0};

  bool reachable() const { return reason == ProbeReason::kReachable; }
  // False when the address rules refused the target: nothing is known of it.
  bool probed() const { return reason != ProbeReason::kProbeRefused; }
};

class TlsProber {
 public:
  virtual ~TlsProber() = default;
  // Blocks for at most about target.timeout.
  // Must be safe to call from several threads at once.
  virtual ProbeResult probe(const ProbeTarget& target) = 0;
};
using TlsProberPtr = std::shared_ptr<TlsProber>;

}  // namespace clusteragent::prober
