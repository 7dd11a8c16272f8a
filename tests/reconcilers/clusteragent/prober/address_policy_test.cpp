// The prober's address rules: which resolved addresses it may connect to.
#include "reconcilers/clusteragent/prober/address_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace clusteragent::prober {
namespace {

IpAddress ip(const std::string& s) {
  auto parsed = parseIp(s);
  EXPECT_TRUE(parsed.has_value()) << s;
  return parsed.value_or(IpAddress{});
}

Cidr cidr(const std::string& s) {
  auto parsed = parseCidr(s);
  EXPECT_TRUE(parsed.isOk()) << s << ": " << parsed.status().toString();
  return parsed.isOk() ? *parsed : Cidr{};
}

TEST(ParseCidr, AcceptsRangesAndBareAddresses) {
  EXPECT_EQ(cidr("10.96.0.0/12").toString(), "10.96.0.0/12");
  EXPECT_EQ(cidr("fd00::/8").toString(), "fd00::/8");
  EXPECT_EQ(cidr("10.1.2.3").toString(), "10.1.2.3/32");
  EXPECT_EQ(cidr("::1").toString(), "::1/128");
  // An IPv4-mapped range is the IPv4 range it covers.
  EXPECT_EQ(cidr("::ffff:10.0.0.0/104").toString(), "10.0.0.0/8");
}

TEST(ParseCidr, RefusesWhatIsNotARange) {
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com",
                          "10.0.0/8", "10.0.0.0/-1", "::ffff:10.0.0.0/95"}) {
    EXPECT_FALSE(parseCidr(bad).isOk()) << bad;
  }
}

TEST(Cidr, ContainsByPrefixAndFamily) {
  const Cidr services = cidr("10.96.0.0/12");
  EXPECT_TRUE(services.contains(ip("10.96.0.1")));
  EXPECT_TRUE(services.contains(ip("10.111.255.255")));
  EXPECT_FALSE(services.contains(ip("10.112.0.0")));
  EXPECT_FALSE(services.contains(ip("fd00::1")));
  // The IPv6 form of an IPv4 address is the same address.
  EXPECT_TRUE(services.contains(ip("::ffff:10.96.0.10")));
  EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("8.8.8.8")));
}

struct Case {
  const char* address;
  AddressRule rule;
};

class DefaultPolicy : public ::testing::TestWithParam<Case> {};

TEST_P(DefaultPolicy, ClassifiesWithTheFixedRules) {
  EXPECT_EQ(AddressPolicy{}.classify(ip(GetParam().address)), GetParam().rule)
      << GetParam().address;
}

INSTANTIATE_TEST_SUITE_P(
    Addresses, DefaultPolicy,
    ::testing::Values(
        Case{"127.0.0.1", AddressRule::kLoopback}, Case{"127.255.0.9", AddressRule::kLoopback},
        Case{"::1", AddressRule::kLoopback}, Case{"::ffff:127.0.0.1", AddressRule::kLoopback},
        Case{"169.254.169.254", AddressRule::kLinkLocal},
        Case{"169.254.0.1", AddressRule::kLinkLocal},
        Case{"::ffff:169.254.169.254", AddressRule::kLinkLocal},
        Case{"fe80::1", AddressRule::kLinkLocal}, Case{"febf::1", AddressRule::kLinkLocal},
        Case{"0.0.0.0", AddressRule::kUnspecified}, Case{"0.1.2.3", AddressRule::kUnspecified},
        Case{"::", AddressRule::kUnspecified}, Case{"::ffff:0.0.0.0", AddressRule::kUnspecified},
        // Private ranges are not refused by default: principals live there.
        Case{"10.0.0.1", AddressRule::kAllowed}, Case{"192.168.1.1", AddressRule::kAllowed},
        Case{"169.255.0.1", AddressRule::kAllowed}, Case{"128.0.0.1", AddressRule::kAllowed},
        Case{"fec0::1", AddressRule::kAllowed}, Case{"2001:db8::1", AddressRule::kAllowed},
        Case{"8.8.8.8", AddressRule::kAllowed}));

TEST(AddressPolicy, DenyCidrsRefuseTheClusterRanges) {
  AddressPolicy p;
  p.denyCidrs = {cidr("10.96.0.0/12"), cidr("10.244.0.0/16"), cidr("fd00:10:96::/112")};
  EXPECT_EQ(p.classify(ip("10.96.0.1")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(ip("10.244.3.7")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(ip("::ffff:10.244.3.7")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(ip("fd00:10:96::a")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(ip("10.245.0.1")), AddressRule::kAllowed);
  // The fixed rules still name themselves.
  EXPECT_EQ(p.classify(ip("127.0.0.1")), AddressRule::kLoopback);
}

TEST(AddressPolicy, AllowCidrsOverrideEveryRuleButUnspecified) {
  AddressPolicy p;
  p.denyCidrs = {cidr("10.96.0.0/12")};
  p.allowCidrs = {cidr("127.0.0.0/8"), cidr("10.96.12.34"), cidr("169.254.10.0/24"),
                  cidr("0.0.0.0/0"), cidr("::/0")};
  EXPECT_EQ(p.classify(ip("127.0.0.1")), AddressRule::kAllowed);
  EXPECT_EQ(p.classify(ip("10.96.12.34")), AddressRule::kAllowed);
  EXPECT_EQ(p.classify(ip("169.254.10.5")), AddressRule::kAllowed);
  EXPECT_EQ(p.classify(ip("::1")), AddressRule::kAllowed);  // by ::/0
  EXPECT_EQ(p.classify(ip("0.0.0.0")), AddressRule::kUnspecified);
  EXPECT_EQ(p.classify(ip("::")), AddressRule::kUnspecified);

  AddressPolicy narrow;
  narrow.denyCidrs = {cidr("10.96.0.0/12")};
  narrow.allowCidrs = {cidr("10.96.12.34")};
  EXPECT_EQ(narrow.classify(ip("10.96.12.35")), AddressRule::kDeniedCidr);
  EXPECT_EQ(narrow.classify(ip("169.254.169.254")), AddressRule::kLinkLocal);
}

TEST(AddressPolicy, UnresolvedHostsAreJudgedByLiteralOrLocalhostName) {
  AddressPolicy p;
  EXPECT_EQ(p.classifyUnresolved("169.254.169.254"), AddressRule::kLinkLocal);
  EXPECT_EQ(p.classifyUnresolved("[::1]"), AddressRule::kLoopback);
  EXPECT_EQ(p.classifyUnresolved("::1"), AddressRule::kLoopback);
  EXPECT_EQ(p.classifyUnresolved("localhost"), AddressRule::kLoopback);
  EXPECT_EQ(p.classifyUnresolved("LocalHost."), AddressRule::kLoopback);
  EXPECT_EQ(p.classifyUnresolved("api.localhost"), AddressRule::kLoopback);
  EXPECT_EQ(p.classifyUnresolved("notlocalhost"), AddressRule::kAllowed);
  EXPECT_EQ(p.classifyUnresolved("argocd.example.com"), AddressRule::kAllowed);
  p.allowCidrs = {cidr("127.0.0.0/8")};
  EXPECT_EQ(p.classifyUnresolved("localhost"), AddressRule::kAllowed);
}

TEST(AddressRuleName, NamesEachRule) {
  EXPECT_STREQ(addressRuleName(AddressRule::kLoopback), "loopback");
  EXPECT_STREQ(addressRuleName(AddressRule::kLinkLocal), "link-local");
  EXPECT_STREQ(addressRuleName(AddressRule::kUnspecified), "unspecified");
  EXPECT_STREQ(addressRuleName(AddressRule::kDeniedCidr), "--probe-deny-cidrs");
}

}  // namespace
}  // namespace clusteragent::prober
