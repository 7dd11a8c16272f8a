#include "tests/support/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <stdexcept>

namespace testsupport {

SSL_CTX* newTlsServerContext(const std::string& certPem, const std::string& keyPem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) throw std::runtime_error("SSL_CTX_new");
  SSL_CTX_set_num_tickets(ctx, 0);

  BIO* bio = BIO_new_mem_buf(certPem.data(), static_cast<int>(certPem.size()));
  X509* leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
    X509_free(leaf);
    BIO_free(bio);
    SSL_CTX_free(ctx);
    throw std::runtime_error("TLS server context: bad certificate PEM");
  }
  X509_free(leaf);
  while (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    SSL_CTX_add0_chain_cert(ctx, extra);  // takes ownership
  }
  BIO_free(bio);
  ERR_clear_error();

  bio = BIO_new_mem_buf(keyPem.data(), static_cast<int>(keyPem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
    EVP_PKEY_free(key);
    SSL_CTX_free(ctx);
    throw std::runtime_error("TLS server context: bad key PEM");
  }
  EVP_PKEY_free(key);
  return ctx;
}

}  // namespace testsupport
