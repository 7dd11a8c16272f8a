#pragma once
// The real TlsProber: getaddrinfo, non-blocking connect, optional HTTP
// CONNECT through the egress proxy, then an OpenSSL handshake with SNI and
// chain + hostname verification against the given CA bundle or the system
// roots. Every probe builds its own SSL_CTX (so a rotated CA counts on the
// next probe); the only thing shared between probes is the parsed system
// root store, loaded once per prober because parsing the distribution's
// bundle costs far more than a probe. Safe to call from any number of
// threads. Connects only to addresses `policy` allows (address_policy.h),
// the proxy's included.

#include <memory>
#include <mutex>

#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/prober/tls_prober.h"

typedef struct x509_store_st X509_STORE;

namespace clusteragent::prober {

class OpensslTlsProber final : public TlsProber {
 public:
  explicit OpensslTlsProber(AddressPolicy policy = {});
  ~OpensslTlsProber() override;
  ProbeResult probe(const ProbeTarget& target) override;

 private:
  // The system's trusted roots (OpenSSL default paths), loaded on first use.
  // Owned reference; nullptr when not loaded yet or loading failed.
  X509_STORE* systemRoots();

  const AddressPolicy policy_;
  std::mutex mu_;
  X509_STORE* system_roots_ = nullptr;
};

}  // namespace clusteragent::prober
