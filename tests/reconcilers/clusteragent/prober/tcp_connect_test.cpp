// connectTcp's address rules, cap and deadline, with a resolver stand-in
// that answers a name with chosen addresses (real getaddrinfo results of IP
// literals, chained), so no /etc/hosts or DNS server is involved.
#include "reconcilers/clusteragent/prober/tcp_connect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/loopback_listener.h"

namespace clusteragent::prober {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// A getaddrinfo that resolves any name to `addresses`, in order.
AddrInfoFunction resolvingTo(std::vector<std::string> addresses) {
  return [addresses](const char*, const char* service, const addrinfo* hints, addrinfo** out) {
    addrinfo* head = nullptr;
    addrinfo** tail = &head;
    for (const auto& a : addresses) {
      addrinfo h = *hints;
      h.ai_flags |= AI_NUMERICHOST;
      addrinfo* one = nullptr;
      const int rc = ::getaddrinfo(a.c_str(), service, &h, &one);
      if (rc != 0) {
        if (head != nullptr) freeaddrinfo(head);
        return rc;
      }
      *tail = one;
      while (*tail != nullptr) tail = &(*tail)->ai_next;
    }
    *out = head;
    return 0;
  };
}

Cidr cidr(const std::string& s) {
  return *parseCidr(s);
}

auto soon() {
  return std::chrono::steady_clock::now() + 5s;
}

TEST(ConnectTcp, ANameResolvingToLoopbackIsRefusedWithoutNamingTheAddress) {
  testsupport::LoopbackListener listener;
  TcpConnectResult r = connectTcp("principal.example.com", listener.port(), soon(), "server",
                                  AddressPolicy{}, resolvingTo({"127.0.0.1", "::1"}));
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->reason, ProbeReason::kProbeRefused);
  const std::string& m = r.failure->message;
  EXPECT_THAT(m, HasSubstr("principal.example.com:" + std::to_string(listener.port())));
  EXPECT_THAT(m, HasSubstr("loopback"));
  EXPECT_THAT(m, HasSubstr("--probe-allow-cidrs"));
  EXPECT_THAT(m, Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(m, Not(HasSubstr("::1")));
  // The addresses are for the log.
  EXPECT_THAT(r.failure->detail, HasSubstr("127.0.0.1:" + std::to_string(listener.port())));
  // Nothing connected: the listener's queue is empty.
  EXPECT_EQ(listener.acceptFor(0ms), -1);
}

TEST(ConnectTcp, TheMetadataAddressIsRefusedAsLinkLocal) {
  TcpConnectResult r = connectTcp("169.254.169.254", 80, soon(), "server", AddressPolicy{},
                                  resolvingTo({"169.254.169.254"}));
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->reason, ProbeReason::kProbeRefused);
  EXPECT_THAT(r.failure->message, HasSubstr("link-local"));
}

TEST(ConnectTcp, DeniedCidrAndUnspecifiedNameTheirRule) {
  AddressPolicy p;
  p.denyCidrs = {cidr("10.96.0.0/12")};
  TcpConnectResult denied =
      connectTcp("kubernetes.default", 443, soon(), "proxy", p, resolvingTo({"10.96.0.1"}));
  ASSERT_TRUE(denied.failure.has_value());
  EXPECT_EQ(denied.failure->reason, ProbeReason::kProbeRefused);
  EXPECT_THAT(denied.failure->message, HasSubstr("proxy kubernetes.default:443"));
  EXPECT_THAT(denied.failure->message, HasSubstr("--probe-deny-cidrs"));
  EXPECT_THAT(denied.failure->message, Not(HasSubstr("10.96.0.1")));

  TcpConnectResult zero =
      connectTcp("zero.example", 443, soon(), "server", p, resolvingTo({"0.0.0.0"}));
  ASSERT_TRUE(zero.failure.has_value());
  EXPECT_EQ(zero.failure->reason, ProbeReason::kProbeRefused);
  EXPECT_THAT(zero.failure->message, HasSubstr("never probed"));
}

TEST(ConnectTcp, AllowedAddressesOfAMixedAnswerAreStillTried) {
  testsupport::LoopbackListener listener;
  AddressPolicy p;
  p.allowCidrs = {cidr("127.0.0.1")};
  // 169.254.169.254 comes first and is skipped, never connected to.
  TcpConnectResult r = connectTcp("mixed.example", listener.port(), soon(), "server", p,
                                  resolvingTo({"169.254.169.254", "127.0.0.1"}));
  ASSERT_FALSE(r.failure.has_value()) << r.failure->message;
  EXPECT_EQ(r.connection.address, "127.0.0.1:" + std::to_string(listener.port()));
}

TEST(ConnectTcp, AllowedLoopbackConnects) {
  testsupport::LoopbackListener listener;
  AddressPolicy p;
  p.allowCidrs = {cidr("127.0.0.0/8")};
  TcpConnectResult r =
      connectTcp("127.0.0.1", listener.port(), soon(), "server", p, resolvingTo({"127.0.0.1"}));
  ASSERT_FALSE(r.failure.has_value()) << r.failure->message;
  EXPECT_TRUE(r.connection.fd.valid());
}

TEST(ConnectTcp, TriesAtMostTheCapOfAddressesAndKeepsThemOutOfTheMessage) {
  const uint16_t port = testsupport::unusedLoopbackPort();  // every attempt is refused
  AddressPolicy p;
  p.allowCidrs = {cidr("127.0.0.0/8")};
  std::vector<std::string> many;
  for (int i = 1; i <= 10; ++i) many.push_back("127.0.0." + std::to_string(i));
  TcpConnectResult r = connectTcp("many.example", port, soon(), "server", p, resolvingTo(many));
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->reason, ProbeReason::kConnectionRefused);
  EXPECT_THAT(r.failure->message, Not(HasSubstr("127.0.0.")));
  const std::string& d = r.failure->detail;
  for (size_t i = 1; i <= kMaxAddressesTried; ++i) {
    EXPECT_THAT(d, HasSubstr("127.0.0." + std::to_string(i) + ":")) << d;
  }
  EXPECT_THAT(d, Not(HasSubstr("127.0.0." + std::to_string(kMaxAddressesTried + 1) + ":")));
}

TEST(AttemptBudget, SharesTheTimeLeftButNotBelowASaneMinimum) {
  EXPECT_EQ(attemptBudget(10000ms, 2), 5000ms);
  EXPECT_EQ(attemptBudget(10000ms, 1), 10000ms);
  EXPECT_EQ(attemptBudget(5000ms, 4), 2000ms);  // 1.25 s each would be too short
  EXPECT_EQ(attemptBudget(1500ms, 3), 1500ms);  // less than the minimum left: all of it
  EXPECT_EQ(attemptBudget(0ms, 3), 0ms);
}

}  // namespace
}  // namespace clusteragent::prober
