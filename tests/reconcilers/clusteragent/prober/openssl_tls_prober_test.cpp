// Functional tests of the real prober against real TLS servers, proxies and
// sockets on loopback, with certificates generated in the test.
#include "reconcilers/clusteragent/prober/openssl_tls_prober.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "tests/support/connect_test_proxy.h"
#include "tests/support/eventually.h"
#include "tests/support/loopback_listener.h"
#include "tests/support/test_certificates.h"
#include "tests/support/tls_test_server.h"

namespace clusteragent::prober {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::CertificateSpec;
using testsupport::ConnectTestProxy;
using testsupport::TestCertificateAuthority;
using testsupport::TlsTestServer;

// The client can finish its handshake before the server has read the last
// flight, so what the server saw is polled for, with a generous deadline.
using testsupport::eventually;

class OpensslTlsProberTest : public ::testing::Test {
 protected:
  ProbeTarget target(uint16_t port, const std::string& host = "127.0.0.1") const {
    ProbeTarget t;
    t.host = host;
    t.port = port;
    t.caPem = ca_.certPem();
    t.timeout = std::chrono::seconds(5);
    return t;
  }

  // The test servers are on loopback, which the operator's default rules
  // refuse: this prober is the one an admin allowed loopback for.
  static AddressPolicy loopbackAllowed() {
    AddressPolicy p;
    p.allowCidrs = {*parseCidr("127.0.0.0/8"), *parseCidr("::1")};
    return p;
  }

  TestCertificateAuthority ca_{"prober-test-ca"};
  OpensslTlsProber prober_{loopbackAllowed()};
};

TEST_F(OpensslTlsProberTest, TrustedByGivenCaIsReachableAndRecordsNotAfter) {
  CertificateSpec spec;
  spec.notAfter = std::chrono::system_clock::now() + std::chrono::hours(24 * 40);
  const auto cert = ca_.issue(spec);
  TlsTestServer server(cert.certPem, cert.keyPem);

  for (const std::string host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    const ProbeResult r = prober_.probe(target(server.port(), host));
    EXPECT_EQ(r.reason, ProbeReason::kReachable) << r.message;
    ASSERT_TRUE(r.certificateNotAfter.has_value());
    EXPECT_EQ(*r.certificateNotAfter, cert.notAfter);
    EXPECT_EQ(r.resolvedAddress, "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_THAT(r.message, HasSubstr("succeeded"));
  }
  // SNI for names (the last probe), none for IP literals.
  EXPECT_TRUE(eventually([&] { return server.lastServerName() == "localhost"; }))
      << server.lastServerName();
}

TEST_F(OpensslTlsProberTest, SniOverridesTheVerifiedName) {
  CertificateSpec spec;
  spec.dnsNames = {"principal.example"};
  spec.ipAddresses = {};
  const auto cert = ca_.issue(spec);
  TlsTestServer server(cert.certPem, cert.keyPem);

  ProbeTarget t = target(server.port());
  t.sni = "principal.example";
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kReachable) << r.message;
  EXPECT_TRUE(eventually([&] { return server.lastServerName() == "principal.example"; }))
      << server.lastServerName();
}

TEST_F(OpensslTlsProberTest, SignedByAnotherCaIsUntrusted) {
  TestCertificateAuthority other("other-ca");
  const auto cert = other.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);

  const ProbeResult r = prober_.probe(target(server.port()));
  EXPECT_EQ(r.reason, ProbeReason::kCertificateUntrusted) << r.message;
  EXPECT_THAT(r.message, HasSubstr("tls.caSecretRef"));
  // Certificate names are the peer's words: the log's, not status's.
  EXPECT_THAT(r.message, Not(HasSubstr("other-ca")));
  EXPECT_THAT(r.detail, HasSubstr("issued by CN=other-ca"));
  ASSERT_TRUE(r.certificateNotAfter.has_value());  // known even when untrusted
  EXPECT_EQ(*r.certificateNotAfter, cert.notAfter);
}

TEST_F(OpensslTlsProberTest, SelfSignedIsUntrusted) {
  const auto cert = testsupport::makeSelfSignedCertificate();
  TlsTestServer server(cert.certPem, cert.keyPem);

  const ProbeResult r = prober_.probe(target(server.port()));
  EXPECT_EQ(r.reason, ProbeReason::kCertificateUntrusted) << r.message;
  EXPECT_THAT(r.message, HasSubstr("self-signed"));
}

TEST_F(OpensslTlsProberTest, SystemRootsDoNotTrustATestCa) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);

  ProbeTarget t = target(server.port());
  t.caPem.clear();
  for (int i = 0; i < 2; ++i) {  // the second probe reuses the loaded root store
    const ProbeResult r = prober_.probe(t);
    EXPECT_EQ(r.reason, ProbeReason::kCertificateUntrusted) << r.message;
    EXPECT_THAT(r.message, HasSubstr("system"));
  }
  // And a CA given afterwards is used, not the cached system roots.
  EXPECT_EQ(prober_.probe(target(server.port())).reason, ProbeReason::kReachable);
}

TEST_F(OpensslTlsProberTest, BundleWithoutCertificatesSaysSo) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);

  ProbeTarget t = target(server.port());
  t.caPem = "not a certificate";
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kCertificateUntrusted) << r.message;
  EXPECT_THAT(r.message, HasSubstr("contains no PEM certificate"));
}

TEST_F(OpensslTlsProberTest, ExpiredIsCertificateExpired) {
  const auto cert = ca_.issue(testsupport::expiredSpec());
  TlsTestServer server(cert.certPem, cert.keyPem);

  const ProbeResult r = prober_.probe(target(server.port()));
  EXPECT_EQ(r.reason, ProbeReason::kCertificateExpired) << r.message;
  ASSERT_TRUE(r.certificateNotAfter.has_value());
  EXPECT_EQ(*r.certificateNotAfter, cert.notAfter);
  EXPECT_LT(*r.certificateNotAfter, std::chrono::system_clock::now());
}

TEST_F(OpensslTlsProberTest, HostnameMismatchIsUntrusted) {
  CertificateSpec spec;
  spec.dnsNames = {"elsewhere.example"};
  spec.ipAddresses = {};
  const auto cert = ca_.issue(spec);
  TlsTestServer server(cert.certPem, cert.keyPem);

  for (const std::string host : {"localhost", "127.0.0.1"}) {
    SCOPED_TRACE(host);
    const ProbeResult r = prober_.probe(target(server.port(), host));
    EXPECT_EQ(r.reason, ProbeReason::kCertificateUntrusted) << r.message;
    EXPECT_THAT(r.message, HasSubstr("hostname mismatch"));
    EXPECT_THAT(r.message, Not(HasSubstr("elsewhere.example")));
    EXPECT_THAT(r.detail, HasSubstr("DNS:elsewhere.example"));
  }
}

TEST_F(OpensslTlsProberTest, InsecureSkipVerifyReachesAnUntrustedServerAndRecordsNotAfter) {
  const auto cert = testsupport::makeSelfSignedCertificate(testsupport::expiredSpec());
  TlsTestServer server(cert.certPem, cert.keyPem);

  ProbeTarget t = target(server.port());
  t.caPem.clear();
  t.insecureSkipVerify = true;
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kReachable) << r.message;
  EXPECT_THAT(r.message, HasSubstr("insecureSkipVerify"));
  ASSERT_TRUE(r.certificateNotAfter.has_value());
  EXPECT_EQ(*r.certificateNotAfter, cert.notAfter);
}

TEST_F(OpensslTlsProberTest, ClosedPortIsConnectionRefused) {
  const uint16_t port = testsupport::unusedLoopbackPort();
  const ProbeResult r = prober_.probe(target(port));
  EXPECT_EQ(r.reason, ProbeReason::kConnectionRefused) << r.message;
  EXPECT_THAT(r.message, HasSubstr("connection refused"));
  EXPECT_FALSE(r.certificateNotAfter.has_value());
}

TEST_F(OpensslTlsProberTest, UnresolvableNameIsDnsError) {
  const ProbeResult r = prober_.probe(target(443, "nonexistent.invalid"));
  EXPECT_EQ(r.reason, ProbeReason::kDNSError) << r.message;
  EXPECT_THAT(r.message, HasSubstr("nonexistent.invalid"));
}

TEST_F(OpensslTlsProberTest, ServerThatNeverSpeaksTimesOutWithinTheBound) {
  testsupport::LoopbackListener silent;  // the kernel accepts; nobody answers
  ProbeTarget t = target(silent.port());
  t.timeout = std::chrono::seconds(1);

  const auto start = std::chrono::steady_clock::now();
  const ProbeResult r = prober_.probe(t);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.reason, ProbeReason::kTimeout) << r.message;
  EXPECT_THAT(r.message, HasSubstr("TLS handshake"));
  // One deadline for the whole probe, not one per stage.
  EXPECT_LT(took, t.timeout + std::chrono::milliseconds(900));
}

TEST_F(OpensslTlsProberTest, PlainTcpServerThatHangsUpIsHandshakeFailure) {
  testsupport::LoopbackListener listener;
  std::thread closer([&] {
    const int fd = listener.acceptFor(std::chrono::seconds(10));
    if (fd >= 0) close(fd);
  });
  const ProbeResult r = prober_.probe(target(listener.port()));
  closer.join();
  EXPECT_EQ(r.reason, ProbeReason::kTLSHandshakeFailed) << r.message;
}

TEST_F(OpensslTlsProberTest, ThroughConnectProxy) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);
  ConnectTestProxy proxy;

  ProbeTarget t = target(server.port(), "localhost");
  t.httpsProxy = proxy.url();
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kReachable) << r.message;
  EXPECT_EQ(r.resolvedAddress, "127.0.0.1:" + std::to_string(proxy.port()));
  ASSERT_EQ(proxy.requestLines().size(), 1u);
  EXPECT_EQ(proxy.requestLines()[0],
            "CONNECT localhost:" + std::to_string(server.port()) + " HTTP/1.1");
  EXPECT_TRUE(eventually([&] { return server.completedHandshakes() == 1; }));
}

TEST_F(OpensslTlsProberTest, ProxyCredentialsGoInTheHeaderNeverInTheMessage) {
  ConnectTestProxy proxy("HTTP/1.1 407 Proxy Authentication Required");
  ProbeTarget t = target(443, "principal.example");
  t.httpsProxy = "http://agent:s3cr3t@127.0.0.1:" + std::to_string(proxy.port());
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kConnectionRefused) << r.message;
  EXPECT_THAT(r.message, HasSubstr("HTTP 407"));
  EXPECT_THAT(r.message, Not(HasSubstr("s3cr3t")));
  // The proxy's own words go to the log only.
  EXPECT_THAT(r.message, Not(HasSubstr("Proxy Authentication Required")));
  EXPECT_THAT(r.detail, HasSubstr("HTTP/1.1 407 Proxy Authentication Required"));
  ASSERT_EQ(proxy.requestHeads().size(), 1u);
  EXPECT_THAT(proxy.requestHeads()[0], HasSubstr("Proxy-Authorization: Basic YWdlbnQ6czNjcjN0"));
}

TEST_F(OpensslTlsProberTest, NoProxyBypassesTheProxy) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);
  ConnectTestProxy proxy;

  ProbeTarget t = target(server.port(), "localhost");
  t.httpsProxy = proxy.url();
  t.noProxy = ".cluster.local, localhost";
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kReachable) << r.message;
  EXPECT_TRUE(proxy.requestLines().empty());
}

TEST_F(OpensslTlsProberTest, ProbesRunConcurrently) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);
  std::vector<std::thread> threads;
  std::atomic<int> reachable{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 3; ++j) {
        if (prober_.probe(target(server.port())).reachable()) ++reachable;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(reachable.load(), 12);
}

// ---------------------------------------------------------------- address rules

// The operator's default rules: loopback is refused, by name or by address,
// before anything connects.
TEST_F(OpensslTlsProberTest, DefaultRulesRefuseLoopbackWithoutConnecting) {
  const auto cert = ca_.issue();
  TlsTestServer server(cert.certPem, cert.keyPem);
  OpensslTlsProber defaults;
  for (const std::string host : {"localhost", "127.0.0.1", "[::1]"}) {
    SCOPED_TRACE(host);
    const ProbeResult r = defaults.probe(target(server.port(), host));
    EXPECT_EQ(r.reason, ProbeReason::kProbeRefused) << r.message;
    EXPECT_FALSE(r.probed());
    EXPECT_THAT(r.message, HasSubstr("loopback"));
    EXPECT_THAT(r.message, HasSubstr(":" + std::to_string(server.port())));
    EXPECT_THAT(r.message, HasSubstr("--probe-allow-cidrs"));
    EXPECT_EQ(r.resolvedAddress, "");
    EXPECT_FALSE(r.certificateNotAfter.has_value());
  }
  const ProbeResult byName = defaults.probe(target(server.port(), "localhost"));
  EXPECT_THAT(byName.message, Not(HasSubstr("127.0.0.1")));
  EXPECT_EQ(server.completedHandshakes(), 0);
}

TEST_F(OpensslTlsProberTest, DefaultRulesRefuseTheMetadataAddress) {
  OpensslTlsProber defaults;
  const ProbeResult r = defaults.probe(target(80, "169.254.169.254"));
  EXPECT_EQ(r.reason, ProbeReason::kProbeRefused) << r.message;
  EXPECT_THAT(r.message, HasSubstr("server 169.254.169.254:80"));
  EXPECT_THAT(r.message, HasSubstr("link-local"));
}

// spec.proxy.httpsProxy is the tenant's choice as much as serverAddr: the
// operator connects to it, so it is judged by the same rules.
TEST_F(OpensslTlsProberTest, AProxyOnARefusedAddressIsNotConnectedTo) {
  ConnectTestProxy proxy;
  OpensslTlsProber defaults;
  ProbeTarget t = target(443, "principal.example");
  t.httpsProxy = proxy.url();
  const ProbeResult r = defaults.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kProbeRefused) << r.message;
  EXPECT_THAT(r.message, HasSubstr("proxy 127.0.0.1:" + std::to_string(proxy.port())));
  EXPECT_TRUE(proxy.requestHeads().empty());
}

// The proxy resolves the target's name; a literal (or localhost) target is
// judged before the CONNECT is sent.
TEST_F(OpensslTlsProberTest, ARefusedTargetIsNotRequestedThroughAnAllowedProxy) {
  ConnectTestProxy proxy;
  ProbeTarget t = target(80, "169.254.169.254");
  t.httpsProxy = proxy.url();
  const ProbeResult r = prober_.probe(t);
  EXPECT_EQ(r.reason, ProbeReason::kProbeRefused) << r.message;
  EXPECT_THAT(r.message, HasSubstr("server 169.254.169.254:80"));
  EXPECT_THAT(r.message, HasSubstr("link-local"));
  EXPECT_TRUE(proxy.requestHeads().empty());
}

}  // namespace
}  // namespace clusteragent::prober
