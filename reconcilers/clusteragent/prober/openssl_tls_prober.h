#pragma once
// The real TlsProber: getaddrinfo, non-blocking connect, optional HTTP
// CONNECT through the egress proxy, then an OpenSSL handshake with SNI and
// chain + hostname verification against the given CA bundle or the system
// roots. Stateless: every probe builds its own SSL_CTX, so it is safe from
// any number of threads and picks up a rotated CA on the next probe.

#include "reconcilers/clusteragent/prober/tls_prober.h"

namespace clusteragent::prober {

class OpensslTlsProber final : public TlsProber {
 public:
  ProbeResult probe(const ProbeTarget& target) override;
};

}  // namespace clusteragent::prober
