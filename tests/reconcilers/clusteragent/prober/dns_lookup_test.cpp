#include "reconcilers/clusteragent/prober/dns_lookup.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>

namespace clusteragent::prober {
namespace {

using namespace std::chrono_literals;

TEST(LookupHost, ResolvesANumericAddress) {
  DnsLookupResult r = lookupHost("127.0.0.1", 443, 5s);
  ASSERT_NE(r.addresses, nullptr) << r.error;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.addresses->ai_family, AF_INET);
}

TEST(LookupHost, ResolverFailureCarriesItsMessage) {
  auto fails = [](const char*, const char*, const addrinfo*, addrinfo**) { return EAI_NONAME; };
  DnsLookupResult r = lookupHost("nowhere.invalid", 443, 5s, fails);
  EXPECT_EQ(r.addresses, nullptr);
  EXPECT_EQ(r.error, gai_strerror(EAI_NONAME));
}

TEST(LookupHost, ASilentResolverIsGivenUpOnAtTheDeadline) {
  // The resolver answers only once the test lets it, long after the deadline.
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  auto silent = [released](const char*, const char*, const addrinfo*, addrinfo**) {
    released.wait();
    return EAI_AGAIN;
  };
  DnsLookupResult r = lookupHost("argocd.example.com", 443, 20ms, silent);
  EXPECT_EQ(r.addresses, nullptr);
  EXPECT_EQ(r.error, "no answer within 20ms");
  release->set_value();  // the abandoned lookup thread ends on its own
}

}  // namespace
}  // namespace clusteragent::prober
