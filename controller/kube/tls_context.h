#pragma once
// Loads the kubeconfig's PEM trust anchors and client identity into an
// OpenSSL context straight from memory (no temp files holding a key).

#include <openssl/ssl.h>

#include "controller/kube/kubeconfig.h"
#include "controller/kube/status.h"

namespace ctrl::kube {

// Checks that caData / clientCertData / clientKeyData parse and that the key
// matches the certificate, so a bad config fails at startup with a clear
// message instead of at every handshake. Never echoes PEM content.
Status validateTlsMaterial(const ClientConfig& cfg);

// Trusts exactly the kubeconfig's CA certificates when it gives any (as
// client-go does: a cluster CA replaces the system roots, so a certificate
// any public CA issued for the API server's name is not accepted), and
// installs the client certificate chain and key. Material was validated up
// front; failures here leave the context without it and the handshake
// reports the problem.
void configureSslContext(SSL_CTX* ctx, const ClientConfig& cfg);

}  // namespace ctrl::kube
