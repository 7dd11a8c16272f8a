#pragma once
// Certificates made in the test, with OpenSSL: CAs, server certificates they
// sign (for 127.0.0.1/localhost by default), expired and self-signed ones.
// EC P-256 keys, so generating a handful costs milliseconds.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace testsupport {

struct CertificateSpec {
  std::string commonName = "localhost";
  std::vector<std::string> dnsNames = {"localhost"};
  std::vector<std::string> ipAddresses = {"127.0.0.1"};
  std::chrono::system_clock::time_point notBefore =
      std::chrono::system_clock::now() - std::chrono::hours(1);
  std::chrono::system_clock::time_point notAfter =
      std::chrono::system_clock::now() + std::chrono::hours(24 * 30);
};

struct IssuedCertificate {
  std::string certPem;
  std::string keyPem;  // PKCS#8, unencrypted
  // notAfter as encoded (whole seconds), for comparing with what a peer reads.
  std::chrono::system_clock::time_point notAfter;
};

class TestCertificateAuthority {
 public:
  explicit TestCertificateAuthority(const std::string& commonName = "test-ca");
  ~TestCertificateAuthority();
  TestCertificateAuthority(TestCertificateAuthority&&) noexcept;
  TestCertificateAuthority& operator=(TestCertificateAuthority&&) noexcept;

  const std::string& certPem() const;
  // A leaf (serverAuth + clientAuth) certificate signed by this CA.
  IssuedCertificate issue(const CertificateSpec& spec = CertificateSpec()) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A leaf certificate that is its own issuer.
IssuedCertificate makeSelfSignedCertificate(const CertificateSpec& spec = CertificateSpec());

// Convenience: a spec valid in the past only.
CertificateSpec expiredSpec();

}  // namespace testsupport
