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

std::optional<ProbeReason> parseReasonName(const std::string& name) {
  for (ProbeReason r :
       {ProbeReason::kReachable, ProbeReason::kProbeRefused, ProbeReason::kDNSError,
        ProbeReason::kConnectionRefused, ProbeReason::kTimeout, ProbeReason::kTLSHandshakeFailed,
        ProbeReason::kCertificateUntrusted, ProbeReason::kCertificateExpired}) {
    if (name == reasonName(r)) return r;
  }
  return std::nullopt;
}

}  // namespace clusteragent::prober
