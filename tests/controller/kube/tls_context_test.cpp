#include "controller/kube/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

#include "tests/support/test_certificates.h"

namespace ctrl::kube {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> parsePem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return std::unique_ptr<X509, X509Free>(x);
}

// Whether ctx's trust store accepts cert (a self-issued root here).
bool trusted(SSL_CTX* ctx, X509* cert) {
  X509_STORE_CTX* v = X509_STORE_CTX_new();
  X509_STORE_CTX_init(v, SSL_CTX_get_cert_store(ctx), cert, nullptr);
  const bool ok = X509_verify_cert(v) == 1;
  X509_STORE_CTX_free(v);
  return ok;
}

// The first certificate of the system bundle: a root every default store trusts.
std::unique_ptr<X509, X509Free> aSystemRoot() {
  FILE* f = std::fopen(X509_get_default_cert_file(), "r");
  if (f == nullptr) return nullptr;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return std::unique_ptr<X509, X509Free>(x);
}

// cpprestsdk loads the default verify paths before our callback runs; a
// kubeconfig CA must then be the only trust anchor, as in client-go.
TEST(TlsContextTest, AKubeconfigCaReplacesTheSystemRoots) {
  auto systemRoot = aSystemRoot();
  if (!systemRoot) GTEST_SKIP() << "no system CA bundle at " << X509_get_default_cert_file();
  testsupport::TestCertificateAuthority ca("cluster-ca");
  auto clusterCa = parsePem(ca.certPem());
  ASSERT_TRUE(clusterCa);

  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  ASSERT_EQ(SSL_CTX_set_default_verify_paths(ctx.get()), 1);
  ASSERT_TRUE(trusted(ctx.get(), systemRoot.get())) << "the system store should trust its roots";

  ClientConfig cfg;
  cfg.caData = ca.certPem();
  configureSslContext(ctx.get(), cfg);
  EXPECT_TRUE(trusted(ctx.get(), clusterCa.get()));
  EXPECT_FALSE(trusted(ctx.get(), systemRoot.get()))
      << "a kubeconfig CA must replace the system roots, not add to them";
}

// No CA in the kubeconfig: the system roots stay (a publicly trusted API server).
TEST(TlsContextTest, WithoutAKubeconfigCaTheSystemRootsStay) {
  auto systemRoot = aSystemRoot();
  if (!systemRoot) GTEST_SKIP() << "no system CA bundle at " << X509_get_default_cert_file();
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  ASSERT_EQ(SSL_CTX_set_default_verify_paths(ctx.get()), 1);
  configureSslContext(ctx.get(), ClientConfig{});
  EXPECT_TRUE(trusted(ctx.get(), systemRoot.get()));
}

}  // namespace
}  // namespace ctrl::kube
