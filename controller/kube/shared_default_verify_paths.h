#pragma once
// One copy of OpenSSL's default trust store (the system CA bundle) for the
// whole process, in place of one per TLS connection.
//
// cpprestsdk gives every connection it opens a fresh SSL_CTX and calls
// SSL_CTX_set_default_verify_paths on it (http_client_asio.cpp,
// upgrade_to_ssl) before our context callback runs. OpenSSL 3 then parses the
// whole bundle at once: 144 certificates, 17 ms of CPU per connection on the
// bench machine, and 11 caches open a list and a watch connection each at
// start. The callback (tls_context.h) then replaces that store with the
// kubeconfig's CA whenever it has one, so the parse is usually thrown away.
//
// shared_default_verify_paths.cpp defines SSL_CTX_set_default_verify_paths
// itself. A definition in the executable takes precedence over libssl's for
// every caller in the process (ELF symbol interposition; libssl.so stays the
// library that holds everything else). Given a context whose store is still
// empty, it hands it one store loaded once with X509_STORE_set_default_paths:
// the same trust libssl's function would add, parsed once. Any other context
// goes to libssl's own function unchanged. Contexts given the shared store
// must not add to it (SSL_CTX_get_cert_store + X509_STORE_add_cert would
// trust a certificate in every connection); configureSslContext replaces the
// store instead, and nothing else in this process touches it.

#include <cstddef>

typedef struct x509_store_st X509_STORE;

namespace ctrl::kube {

// The shared store itself, loaded on first use and never freed, for code
// that builds its own contexts and trusts the system roots (the server
// prober): SSL_CTX_set1_cert_store(ctx, sharedSystemRoots()). Never add to
// it. nullptr only when OpenSSL could not allocate a store.
X509_STORE* sharedSystemRoots();

// Loads the shared store now rather than in the first handshake that needs
// it. Idempotent and thread-safe; CpprestKubeClient::create calls it.
void preloadSharedDefaultVerifyPaths();

// How many contexts have been given the shared store (for tests: it proves
// the interposition took effect in this binary).
size_t sharedDefaultVerifyPathsGiven();

}  // namespace ctrl::kube
