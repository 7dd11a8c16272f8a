#include "reconcilers/clusteragent/prober/proxy_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace clusteragent::prober {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseProxyUrlTest, HostAndPort) {
  auto p = parseProxyUrl("http://proxy.corp:3128");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, 3128);
  EXPECT_EQ(p->proxyAuthorization, "");
  EXPECT_EQ(p->display(), "proxy.corp:3128");
}

TEST(ParseProxyUrlTest, SchemeOptionalPortDefaultsTo80TrailingSlashIgnored) {
  auto p = parseProxyUrl("proxy.corp/");
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, 80);
}

TEST(ParseProxyUrlTest, Ipv6) {
  auto p = parseProxyUrl("http://[fd00::1]:8080");
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->host, "fd00::1");
  EXPECT_EQ(p->port, 8080);
  EXPECT_EQ(p->display(), "[fd00::1]:8080");
}

TEST(ParseProxyUrlTest, UserinfoBecomesBasicAuthorizationAndIsPercentDecoded) {
  auto p = parseProxyUrl("http://user:p%40ss@proxy:3128");
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->host, "proxy");
  EXPECT_EQ(p->proxyAuthorization, "Basic dXNlcjpwQHNz");  // user:p@ss
  EXPECT_THAT(p->display(), Not(HasSubstr("user")));
}

TEST(ParseProxyUrlTest, RejectsWithoutRepeatingCredentials) {
  auto https = parseProxyUrl("https://user:secret@proxy:3128");
  EXPECT_FALSE(https.isOk());
  EXPECT_THAT(https.status().message(), Not(HasSubstr("secret")));

  auto badPort = parseProxyUrl("http://user:secret@proxy:99999");
  EXPECT_FALSE(badPort.isOk());
  EXPECT_THAT(badPort.status().message(), Not(HasSubstr("secret")));

  // Found writing the proxy_url fuzz target: an unencoded '/' in the
  // password ends the authority, so "secret" was read, and quoted, as the port.
  auto slashInPassword = parseProxyUrl("http://user:secret/pw@proxy:3128");
  EXPECT_FALSE(slashInPassword.isOk());
  EXPECT_THAT(slashInPassword.status().message(), Not(HasSubstr("secret")));
  auto credentialsBeforeScheme = parseProxyUrl("user:secret@proxy:3128/x://");
  EXPECT_THAT(credentialsBeforeScheme.status().message(), Not(HasSubstr("secret")));
  // Without credentials the message names what is wrong.
  EXPECT_THAT(parseProxyUrl("http://proxy:31x28").status().message(), HasSubstr("\"31x28\""));

  EXPECT_FALSE(parseProxyUrl("socks5://proxy:1080").isOk());
  EXPECT_FALSE(parseProxyUrl("http://:3128").isOk());
}

TEST(BypassesProxyTest, EmptyListNeverBypasses) {
  EXPECT_FALSE(bypassesProxy("argocd.example.com", 443, ""));
  EXPECT_FALSE(bypassesProxy("argocd.example.com", 443, " , "));
}

TEST(BypassesProxyTest, Wildcard) {
  EXPECT_TRUE(bypassesProxy("anything", 443, "*"));
}

TEST(BypassesProxyTest, DomainsMatchThemselvesAndSubdomains) {
  for (const std::string entry : {"example.com", ".example.com", "*.example.com"}) {
    SCOPED_TRACE(entry);
    EXPECT_TRUE(bypassesProxy("example.com", 443, entry));
    EXPECT_TRUE(bypassesProxy("argocd.example.com", 443, entry));
    EXPECT_TRUE(bypassesProxy("ARGOCD.Example.COM", 443, entry));
    EXPECT_FALSE(bypassesProxy("badexample.com", 443, entry));
    EXPECT_FALSE(bypassesProxy("example.com.evil", 443, entry));
  }
}

TEST(BypassesProxyTest, ListWithSpacesAndPorts) {
  const std::string list = "localhost, .svc ,.cluster.local,principal.corp:8443";
  EXPECT_TRUE(bypassesProxy("localhost", 443, list));
  EXPECT_TRUE(bypassesProxy("argocd.argocd.svc", 443, list));
  EXPECT_TRUE(bypassesProxy("principal.corp", 8443, list));
  EXPECT_FALSE(bypassesProxy("principal.corp", 443, list));
  EXPECT_FALSE(bypassesProxy("argocd.example.com", 443, list));
}

TEST(BypassesProxyTest, IpsAndCidrs) {
  const std::string list = "10.0.0.0/8,192.168.1.7,fd00::/8";
  EXPECT_TRUE(bypassesProxy("10.1.2.3", 443, list));
  EXPECT_FALSE(bypassesProxy("11.1.2.3", 443, list));
  EXPECT_TRUE(bypassesProxy("192.168.1.7", 443, list));
  EXPECT_FALSE(bypassesProxy("192.168.1.8", 443, list));
  EXPECT_TRUE(bypassesProxy("fd12::1", 443, list));
  EXPECT_TRUE(bypassesProxy("[fd12::1]", 443, list));
  EXPECT_FALSE(bypassesProxy("fe80::1", 443, list));
  EXPECT_FALSE(bypassesProxy("10.example.com", 443, list));  // CIDRs match IPs only
}

}  // namespace
}  // namespace clusteragent::prober
