#pragma once
// An OpenSSL server context from PEM text (leaf, then any intermediates, and
// its key), for the test servers that terminate TLS on loopback.

#include <openssl/ssl.h>

#include <string>

namespace testsupport {

// Owned by the caller (SSL_CTX_free). Throws std::runtime_error on PEM that
// does not parse or a key that does not fit.
SSL_CTX* newTlsServerContext(const std::string& certPem, const std::string& keyPem);

}  // namespace testsupport
