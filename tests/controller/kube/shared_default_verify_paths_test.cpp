#include "controller/kube/shared_default_verify_paths.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

#include "tests/support/test_certificates.h"

namespace ctrl::kube {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ctx = std::unique_ptr<SSL_CTX, CtxFree>;

Ctx freshContext() {
  return Ctx(SSL_CTX_new(TLS_client_method()));
}

int objectCount(X509_STORE* store) {
  return sk_X509_OBJECT_num(X509_STORE_get0_objects(store));
}

TEST(SharedDefaultVerifyPathsTest, FreshContextsShareOneStoreOfTheSystemDefaults) {
  Ctx a = freshContext(), b = freshContext();
  const size_t before = sharedDefaultVerifyPathsGiven();
  ASSERT_EQ(SSL_CTX_set_default_verify_paths(a.get()), 1);
  ASSERT_EQ(SSL_CTX_set_default_verify_paths(b.get()), 1);
  EXPECT_EQ(sharedDefaultVerifyPathsGiven(), before + 2);
  EXPECT_EQ(SSL_CTX_get_cert_store(a.get()), SSL_CTX_get_cert_store(b.get()));

  // The same trust libssl's own function gives: what X509_STORE_set_default_paths loads.
  X509_STORE* reference = X509_STORE_new();
  ASSERT_NE(reference, nullptr);
  X509_STORE_set_default_paths(reference);
  EXPECT_EQ(objectCount(SSL_CTX_get_cert_store(a.get())), objectCount(reference));
  X509_STORE_free(reference);
}

TEST(SharedDefaultVerifyPathsTest, TheSharedStoreOutlivesTheContextsGivenIt) {
  X509_STORE* shared = nullptr;
  {
    Ctx a = freshContext();
    SSL_CTX_set_default_verify_paths(a.get());
    shared = SSL_CTX_get_cert_store(a.get());
  }
  Ctx b = freshContext();
  SSL_CTX_set_default_verify_paths(b.get());
  EXPECT_EQ(SSL_CTX_get_cert_store(b.get()), shared);
}

TEST(SharedDefaultVerifyPathsTest, AContextHoldingCertificatesKeepsThemAndItsOwnStore) {
  testsupport::TestCertificateAuthority authority;
  const std::string& pem = authority.certPem();
  Ctx ctx = freshContext();
  X509_STORE* own = SSL_CTX_get_cert_store(ctx.get());
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(ca, nullptr);
  ASSERT_EQ(X509_STORE_add_cert(own, ca), 1);
  X509_free(ca);

  const size_t before = sharedDefaultVerifyPathsGiven();
  EXPECT_EQ(SSL_CTX_set_default_verify_paths(ctx.get()), 1);  // libssl's own
  EXPECT_EQ(sharedDefaultVerifyPathsGiven(), before);
  EXPECT_EQ(SSL_CTX_get_cert_store(ctx.get()), own);
  EXPECT_GE(objectCount(own), 1);
}

}  // namespace
}  // namespace ctrl::kube
