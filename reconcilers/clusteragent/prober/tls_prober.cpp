#include "reconcilers/clusteragent/prober/tls_prober.h"

namespace clusteragent::prober {

const char* reasonName(ProbeReason reason) {
  switch (reason) {
    case ProbeReason::kReachable:
      return "Reachable";
    case ProbeReason::kProbeRefused:
      return "ProbeRefused";
    case ProbeReason::kDNSError:
      return "DNSError";
    case ProbeReason::kConnectionRefused:
      return "ConnectionRefused";
    case ProbeReason::kTimeout:
      return "Timeout";
    case ProbeReason::kTLSHandshakeFailed:
      return "TLSHandshakeFailed";
    case ProbeReason::kCertificateUntrusted:
      return "CertificateUntrusted";
    case ProbeReason::kCertificateExpired:
      return "CertificateExpired";
  }
  return "Unknown";
}

}  // namespace clusteragent::prober
