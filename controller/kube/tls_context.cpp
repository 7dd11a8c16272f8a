#include "controller/kube/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "controller/kube/openssl_handles.h"

namespace ctrl::kube {
namespace {

BioPtr memBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::vector<X509Ptr> readCerts(const std::string& pem) {
  std::vector<X509Ptr> certs;
  BioPtr bio = memBio(pem);
  if (!bio) return certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(x);
  }
  ERR_clear_error();  // the loop ends with a "no start line" error
  return certs;
}

PkeyPtr readKey(const std::string& pem) {
  BioPtr bio = memBio(pem);
  if (!bio) return nullptr;
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return key;
}

}  // namespace

Status validateTlsMaterial(const ClientConfig& cfg) {
  if (!cfg.caData.empty() && readCerts(cfg.caData).empty()) {
    return Status(Code::kInvalidArgument,
                  cfg.source + ": certificate authority data holds no PEM certificate");
  }
  if (cfg.clientCertData.empty() != cfg.clientKeyData.empty()) {
    return Status(Code::kInvalidArgument,
                  cfg.source + ": client certificate and key must be given together");
  }
  if (cfg.clientCertData.empty()) return Status::ok();
  auto certs = readCerts(cfg.clientCertData);
  if (certs.empty()) {
    return Status(Code::kInvalidArgument,
                  cfg.source + ": client certificate data holds no PEM certificate");
  }
  PkeyPtr key = readKey(cfg.clientKeyData);
  if (!key) {
    return Status(Code::kInvalidArgument,
                  cfg.source + ": client key data holds no PEM private key");
  }
  if (X509_check_private_key(certs.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return Status(Code::kInvalidArgument,
                  cfg.source + ": client key does not match the client certificate");
  }
  return Status::ok();
}

void configureSslContext(SSL_CTX* ctx, const ClientConfig& cfg) {
  if (!cfg.caData.empty()) {
    // A fresh store: cpprestsdk has already loaded the system's default
    // verify paths into the context's own one.
    X509_STORE* store = X509_STORE_new();
    if (store != nullptr) {
      for (auto& cert : readCerts(cfg.caData)) {
        X509_STORE_add_cert(store, cert.get());  // takes its own reference
      }
      SSL_CTX_set_cert_store(ctx, store);  // takes ownership, frees the old one
    }
    ERR_clear_error();  // "cert already in hash table" is harmless
  }
  if (!cfg.clientCertData.empty()) {
    auto certs = readCerts(cfg.clientCertData);
    if (!certs.empty()) {
      SSL_CTX_use_certificate(ctx, certs.front().get());
      for (size_t i = 1; i < certs.size(); ++i) {
        // add_extra_chain_cert takes ownership on success.
        if (SSL_CTX_add_extra_chain_cert(ctx, certs[i].get()) == 1) certs[i].release();
      }
    }
    if (PkeyPtr key = readKey(cfg.clientKeyData)) SSL_CTX_use_PrivateKey(ctx, key.get());
    ERR_clear_error();
  }
}

}  // namespace ctrl::kube
