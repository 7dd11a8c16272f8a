#pragma once
// The real TlsProber: getaddrinfo, non-blocking connect, optional HTTP
// CONNECT through the egress proxy, then an OpenSSL handshake with SNI and
// chain + hostname verification against the given CA bundle or the system
// roots. Every probe builds its own SSL_CTX (so a rotated CA counts on the
// next probe); the only thing shared between probes is the parsed system
// root store, the process's one copy (controller/kube/shared_default_verify_paths.h),
// because parsing the distribution's bundle costs far more than a probe. Safe to call from any
// number of threads. Connects only to addresses `policy` allows (address_policy.h), the proxy's
// included.

#include <memory>

#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/prober/tls_prober.h"

namespace clusteragent::prober {

class OpensslTlsProber final : public TlsProber {
 public:
  explicit OpensslTlsProber(AddressPolicy policy = {});
  ProbeResult probe(const ProbeTarget& target) override;

 private:
  const AddressPolicy policy_;
};

}  // namespace clusteragent::prober
