#include "tests/support/test_certificates.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <stdexcept>

namespace testsupport {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate generation failed: ") + what);
}

PkeyPtr generateKey() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  check(ctx != nullptr, "EVP_PKEY_CTX_new_id");
  check(EVP_PKEY_keygen_init(ctx.get()) == 1, "keygen_init");
  check(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_X9_62_prime256v1) == 1, "curve");
  EVP_PKEY* key = nullptr;
  check(EVP_PKEY_keygen(ctx.get(), &key) == 1, "keygen");
  return PkeyPtr(key);
}

std::string toPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string toPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::chrono::system_clock::time_point wholeSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::system_clock::from_time_t(std::chrono::system_clock::to_time_t(t));
}

// Builds and signs a certificate. issuerCert == nullptr: self-signed.
X509Ptr makeCertificate(const CertificateSpec& spec, EVP_PKEY* key, X509* issuerCert,
                        EVP_PKEY* issuerKey, bool isCa) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  check(ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                      std::chrono::system_clock::to_time_t(spec.notBefore)) != nullptr,
        "notBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                      std::chrono::system_clock::to_time_t(spec.notAfter)) != nullptr,
        "notAfter");
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.commonName.c_str()), -1,
                             -1, 0);
  X509* issuer = issuerCert != nullptr ? issuerCert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));

  if (isCa) {
    addExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    addExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(cert.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
    std::string sans;
    for (const auto& d : spec.dnsNames) sans += (sans.empty() ? "" : ",") + ("DNS:" + d);
    for (const auto& ip : spec.ipAddresses) sans += (sans.empty() ? "" : ",") + ("IP:" + ip);
    if (!sans.empty()) addExtension(cert.get(), issuer, NID_subject_alt_name, sans);
  }
  addExtension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuerCert != nullptr) {
    addExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  }
  check(X509_sign(cert.get(), issuerKey, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

}  // namespace

struct TestCertificateAuthority::State {
  PkeyPtr key;
  X509Ptr cert;
  std::string certPem;
};

TestCertificateAuthority::TestCertificateAuthority(const std::string& commonName)
    : state_(std::make_unique<State>()) {
  CertificateSpec spec;
  spec.commonName = commonName;
  spec.dnsNames.clear();
  spec.ipAddresses.clear();
  spec.notBefore = std::chrono::system_clock::now() - std::chrono::hours(24 * 365);
  spec.notAfter = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
  state_->key = generateKey();
  state_->cert = makeCertificate(spec, state_->key.get(), nullptr, state_->key.get(), true);
  state_->certPem = toPem(state_->cert.get());
}

TestCertificateAuthority::~TestCertificateAuthority() = default;
TestCertificateAuthority::TestCertificateAuthority(TestCertificateAuthority&&) noexcept = default;
TestCertificateAuthority& TestCertificateAuthority::operator=(TestCertificateAuthority&&) noexcept =
    default;

const std::string& TestCertificateAuthority::certPem() const {
  return state_->certPem;
}

IssuedCertificate TestCertificateAuthority::issue(const CertificateSpec& spec) const {
  PkeyPtr key = generateKey();
  X509Ptr cert = makeCertificate(spec, key.get(), state_->cert.get(), state_->key.get(), false);
  return IssuedCertificate{toPem(cert.get()), toPem(key.get()), wholeSeconds(spec.notAfter)};
}

IssuedCertificate makeSelfSignedCertificate(const CertificateSpec& spec) {
  PkeyPtr key = generateKey();
  X509Ptr cert = makeCertificate(spec, key.get(), nullptr, key.get(), false);
  return IssuedCertificate{toPem(cert.get()), toPem(key.get()), wholeSeconds(spec.notAfter)};
}

CertificateSpec expiredSpec() {
  CertificateSpec spec;
  spec.notBefore = std::chrono::system_clock::now() - std::chrono::hours(24 * 30);
  spec.notAfter = std::chrono::system_clock::now() - std::chrono::hours(24);
  return spec;
}

}  // namespace testsupport
