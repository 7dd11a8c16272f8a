#include "controller/manager/server_tls.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_certificates.h"

namespace ctrl::manager {
namespace {

namespace fs = std::filesystem;

class CertDir {
 public:
  CertDir() : path_(fs::path(::testing::TempDir()) / ("server-tls-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~CertDir() { fs::remove_all(path_); }
  // Written aside and renamed into place, as the kubelet swaps a Secret volume's files.
  void write(const std::string& name, const std::string& text) {
    const fs::path aside = path_ / (name + ".new");
    std::ofstream(aside) << text;
    fs::rename(aside, path_ / name);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// The subjectAltName entries of a PEM certificate, as "DNS:x" / "IP Address:y".
std::string subjectAltNames(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  int at = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);
  std::string out;
  if (at >= 0) {
    BIO* text = BIO_new(BIO_s_mem());
    X509V3_EXT_print(text, X509_get_ext(cert, at), 0, 0);
    char* data = nullptr;
    long n = BIO_get_mem_data(text, &data);
    out.assign(data, static_cast<size_t>(n));
    BIO_free(text);
  }
  X509_free(cert);
  return out;
}

TEST(ServerTlsTest, SelfSignedNamesEveryHostAndAddress) {
  auto tls = ServerTls::selfSigned({"localhost", "127.0.0.1", "", "operator-pod-1"});
  ASSERT_TRUE(tls.isOk()) << tls.status().toString();
  const std::string names = subjectAltNames((*tls)->certificatePem());
  EXPECT_NE(names.find("DNS:localhost"), std::string::npos) << names;
  EXPECT_NE(names.find("IP Address:127.0.0.1"), std::string::npos) << names;
  EXPECT_NE(names.find("DNS:operator-pod-1"), std::string::npos) << names;
}

TEST(ServerTlsTest, LoadsACertDir) {
  testsupport::TestCertificateAuthority ca;
  auto leaf = ca.issue();
  CertDir dir;
  // A chain: the leaf, then its CA.
  dir.write("tls.crt", leaf.certPem + ca.certPem());
  dir.write("tls.key", leaf.keyPem);
  auto tls = ServerTls::fromCertDir(dir.path());
  ASSERT_TRUE(tls.isOk()) << tls.status().toString();
  SSL* session = (*tls)->newSession();
  EXPECT_NE(session, nullptr);
  SSL_free(session);
  EXPECT_EQ((*tls)->certificatePem(), leaf.certPem);
}

TEST(ServerTlsTest, AChangedCertDirIsServedFromTheNextConnection) {
  auto first = testsupport::makeSelfSignedCertificate();
  auto second = testsupport::makeSelfSignedCertificate();
  CertDir dir;
  dir.write("tls.crt", first.certPem);
  dir.write("tls.key", first.keyPem);
  auto tls = ServerTls::fromCertDir(dir.path(), std::chrono::milliseconds(0));
  ASSERT_TRUE(tls.isOk()) << tls.status().toString();
  SSL* before = (*tls)->newSession();  // a connection made before the renewal

  dir.write("tls.crt", second.certPem);
  dir.write("tls.key", second.keyPem);
  SSL_free((*tls)->newSession());
  EXPECT_EQ((*tls)->certificatePem(), second.certPem);
  // The earlier session still holds its own (old) context.
  EXPECT_NE(SSL_get_SSL_CTX(before), nullptr);
  SSL_free(before);

  // Half a renewal (a new certificate, the old key) is not taken; the last good pair stays.
  auto third = testsupport::makeSelfSignedCertificate();
  dir.write("tls.crt", third.certPem);
  SSL_free((*tls)->newSession());
  EXPECT_EQ((*tls)->certificatePem(), second.certPem);
  // Once the key follows, it is.
  dir.write("tls.key", third.keyPem);
  SSL_free((*tls)->newSession());
  EXPECT_EQ((*tls)->certificatePem(), third.certPem);
}

TEST(ServerTlsTest, RefusesAKeyOfAnotherCertificateWithoutQuotingIt) {
  auto a = testsupport::makeSelfSignedCertificate();
  auto b = testsupport::makeSelfSignedCertificate();
  CertDir dir;
  dir.write("tls.crt", a.certPem);
  dir.write("tls.key", b.keyPem);
  auto tls = ServerTls::fromCertDir(dir.path());
  ASSERT_FALSE(tls.isOk());
  EXPECT_NE(tls.status().message().find("does not match"), std::string::npos);
  EXPECT_EQ(tls.status().message().find("PRIVATE KEY"), std::string::npos);
}

TEST(ServerTlsTest, AMissingFileIsAnError) {
  CertDir dir;
  auto tls = ServerTls::fromCertDir(dir.path());
  ASSERT_FALSE(tls.isOk());
  EXPECT_NE(tls.status().message().find("tls.crt"), std::string::npos);
}

}  // namespace
}  // namespace ctrl::manager
