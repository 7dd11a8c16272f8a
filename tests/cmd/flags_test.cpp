#include "cmd/flags.h"

#include <gtest/gtest.h>

namespace cmd {
namespace {

Flags parseOk(const std::vector<std::string>& args, bool tty = false) {
  auto r = parseFlags(args, tty);
  EXPECT_TRUE(r.isOk()) << r.status().message();
  return r.isOk() ? *r : Flags{};
}

std::string parseErr(const std::vector<std::string>& args) {
  auto r = parseFlags(args, false);
  EXPECT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), ctrl::kube::Code::kInvalidArgument);
  return r.status().message();
}

TEST(FlagsTest, Defaults) {
  Flags f = parseOk({});
  EXPECT_EQ(f.kubeconfig, "");
  EXPECT_TRUE(f.namespaces.empty());
  EXPECT_EQ(f.agentImage, "quay.io/argoprojlabs/argocd-agent:v0.9.0");
  EXPECT_FALSE(f.leaderElect);
  EXPECT_EQ(f.metricsBindAddress, ":8080");
  EXPECT_EQ(f.healthProbeBindAddress, ":8081");
  EXPECT_EQ(f.logLevel, "info");
  EXPECT_EQ(f.logFormat, "json");
  EXPECT_EQ(f.maxConcurrentReconciles, 2);
  EXPECT_FALSE(f.help);
}

TEST(FlagsTest, TextLogsByDefaultOnATerminal) {
  EXPECT_EQ(parseOk({}, true).logFormat, "text");
  EXPECT_EQ(parseOk({"--log-format=json"}, true).logFormat, "json");
}

TEST(FlagsTest, BothValueSyntaxes) {
  Flags f = parseOk({"--kubeconfig", "/k", "--agent-image=img:1", "--log-level", "debug",
                     "--metrics-bind-address=127.0.0.1:9090", "--health-probe-bind-address", ":0",
                     "--leader-election-namespace=ops", "--max-concurrent-reconciles", "8"});
  EXPECT_EQ(f.kubeconfig, "/k");
  EXPECT_EQ(f.agentImage, "img:1");
  EXPECT_EQ(f.logLevel, "debug");
  EXPECT_EQ(f.metricsBindAddress, "127.0.0.1:9090");
  EXPECT_EQ(f.healthProbeBindAddress, ":0");
  EXPECT_EQ(f.leaderElectionNamespace, "ops");
  EXPECT_EQ(f.maxConcurrentReconciles, 8);
}

TEST(FlagsTest, ApiClientThrottling) {
  Flags d = parseOk({});
  EXPECT_EQ(d.kubeApiQps, 20);
  EXPECT_EQ(d.kubeApiBurst, 30);
  EXPECT_TRUE(d.kubeApiFollowApf);
  Flags f =
      parseOk({"--kube-api-qps=50.5", "--kube-api-burst", "100", "--kube-api-throttling=fixed"});
  EXPECT_EQ(f.kubeApiQps, 50.5);
  EXPECT_EQ(f.kubeApiBurst, 100);
  EXPECT_FALSE(f.kubeApiFollowApf);
  EXPECT_EQ(parseOk({"--kube-api-qps=0"}).kubeApiQps, 0);
  EXPECT_NE(parseErr({"--kube-api-qps=-1"}).find("--kube-api-qps"), std::string::npos);
  EXPECT_NE(parseErr({"--kube-api-qps=fast"}).find("--kube-api-qps"), std::string::npos);
  EXPECT_NE(parseErr({"--kube-api-burst=0"}).find("--kube-api-burst"), std::string::npos);
  EXPECT_NE(parseErr({"--kube-api-throttling=none"}).find("apf or fixed"), std::string::npos);
  const std::string u = usage("op");
  for (const char* flag : {"--kube-api-qps", "--kube-api-burst", "--kube-api-throttling"}) {
    EXPECT_NE(u.find(flag), std::string::npos) << flag;
  }
}

TEST(FlagsTest, NamespaceIsRepeatableAndCommaSeparated) {
  Flags f = parseOk({"--namespace", "a", "--namespace=b,c"});
  EXPECT_EQ(f.namespaces, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(FlagsTest, LeaderElectBoolForms) {
  EXPECT_TRUE(parseOk({"--leader-elect"}).leaderElect);
  EXPECT_TRUE(parseOk({"--leader-elect=true"}).leaderElect);
  EXPECT_FALSE(parseOk({"--leader-elect=false"}).leaderElect);
  EXPECT_NE(parseErr({"--leader-elect=maybe"}).find("--leader-elect"), std::string::npos);
}

TEST(FlagsTest, SecureMetrics) {
  Flags off = parseOk({});
  EXPECT_FALSE(off.metricsSecure);  // the shipped manifests turn it on
  EXPECT_EQ(off.metricsCertDir, "");
  Flags on = parseOk({"--metrics-secure", "--metrics-cert-dir", "/certs"});
  EXPECT_TRUE(on.metricsSecure);
  EXPECT_EQ(on.metricsCertDir, "/certs");
  EXPECT_FALSE(parseOk({"--metrics-secure=false"}).metricsSecure);
  EXPECT_NE(parseErr({"--metrics-secure=yes"}).find("--metrics-secure"), std::string::npos);
  const std::string u = usage("clusteragent-operator");
  EXPECT_NE(u.find("--metrics-secure"), std::string::npos);
  EXPECT_NE(u.find("--metrics-cert-dir"), std::string::npos);
}

TEST(FlagsTest, Help) {
  EXPECT_TRUE(parseOk({"--help"}).help);
  EXPECT_TRUE(parseOk({"-h"}).help);
  std::string u = usage("clusteragent-operator");
  for (const char* flag :
       {"--kubeconfig", "--namespace", "--agent-image", "--leader-elect",
        "--leader-election-namespace", "--metrics-bind-address", "--health-probe-bind-address",
        "--log-level", "--log-format", "--max-concurrent-reconciles", "--help"}) {
    EXPECT_NE(u.find(flag), std::string::npos) << flag;
  }
}

TEST(FlagsTest, ErrorsNameTheFlag) {
  EXPECT_NE(parseErr({"--nope"}).find("unknown flag --nope"), std::string::npos);
  EXPECT_NE(parseErr({"--kubeconfig"}).find("--kubeconfig needs a value"), std::string::npos);
  EXPECT_NE(parseErr({"--log-level=loud"}).find("--log-level"), std::string::npos);
  EXPECT_NE(parseErr({"--log-format=xml"}).find("--log-format"), std::string::npos);
  EXPECT_NE(parseErr({"--max-concurrent-reconciles=0"}).find("1 to 64"), std::string::npos);
  EXPECT_NE(parseErr({"--max-concurrent-reconciles=two"}).find("1 to 64"), std::string::npos);
  EXPECT_NE(parseErr({"--metrics-bind-address=8080"}).find("host:port"), std::string::npos);
  EXPECT_NE(parseErr({"--metrics-bind-address=:99999"}).find("host:port"), std::string::npos);
  EXPECT_NE(parseErr({"positional"}).find("unexpected argument"), std::string::npos);
  EXPECT_NE(parseErr({"--namespace="}).find("--namespace"), std::string::npos);
  EXPECT_NE(parseErr({"--agent-image="}).find("--agent-image"), std::string::npos);
}

TEST(FlagsTest, ProbeDefaultsRefuseOnlyTheFixedRanges) {
  Flags f = parseOk({});
  EXPECT_TRUE(f.probe);
  EXPECT_EQ(f.probeTimeout, std::chrono::milliseconds(5000));
  EXPECT_TRUE(f.probeDenyCidrs.empty());
  EXPECT_TRUE(f.probeAllowCidrs.empty());
  auto p = probeAddressPolicy(f);
  EXPECT_EQ(p.classify(*clusteragent::prober::parseIp("169.254.169.254")),
            clusteragent::prober::AddressRule::kLinkLocal);
  EXPECT_EQ(p.classify(*clusteragent::prober::parseIp("10.96.0.1")),
            clusteragent::prober::AddressRule::kAllowed);
}

TEST(FlagsTest, ProbeFlags) {
  EXPECT_FALSE(parseOk({"--probe=false"}).probe);
  EXPECT_TRUE(parseOk({"--probe"}).probe);
  EXPECT_NE(parseErr({"--probe=off"}).find("--probe: want true or false"), std::string::npos);
  Flags f = parseOk({"--probe-deny-cidrs=10.96.0.0/12,10.244.0.0/16", "--probe-deny-cidrs",
                     "fd00::/8", "--probe-allow-cidrs=10.96.12.34"});
  EXPECT_EQ(f.probeDenyCidrs,
            (std::vector<std::string>{"10.96.0.0/12", "10.244.0.0/16", "fd00::/8"}));
  EXPECT_EQ(f.probeAllowCidrs, (std::vector<std::string>{"10.96.12.34"}));
  auto p = probeAddressPolicy(f);
  using clusteragent::prober::AddressRule;
  using clusteragent::prober::parseIp;
  EXPECT_EQ(p.classify(*parseIp("10.96.0.1")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(*parseIp("10.244.1.1")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(*parseIp("fd00::1")), AddressRule::kDeniedCidr);
  EXPECT_EQ(p.classify(*parseIp("10.96.12.34")), AddressRule::kAllowed);
  EXPECT_NE(parseErr({"--probe-deny-cidrs=10.0.0.0/33"}).find("--probe-deny-cidrs"),
            std::string::npos);
  EXPECT_NE(parseErr({"--probe-allow-cidrs=cluster.local"}).find("--probe-allow-cidrs"),
            std::string::npos);
  EXPECT_NE(parseErr({"--probe-deny-cidrs="}).find("--probe-deny-cidrs needs a CIDR"),
            std::string::npos);
}

TEST(FlagsTest, HelpDescribesTheProbeFlags) {
  const std::string u = usage("clusteragent-operator");
  for (const char* text : {"--probe[=true|false]", "--probe-deny-cidrs", "--probe-allow-cidrs",
                           "ProbeRefused", "ProbeDisabled", "169.254.169.254"}) {
    EXPECT_NE(u.find(text), std::string::npos) << text;
  }
}

// Tenant isolation: nothing risky by default, images from the upstream agent
// repository only (plus --agent-image).
TEST(FlagsTest, TenantPolicyDefaultsAllowNothingRisky) {
  Flags f = parseOk({});
  EXPECT_TRUE(f.allowClusterWideNamespaces.empty());
  EXPECT_TRUE(f.allowExtraRulesNamespaces.empty());
  EXPECT_TRUE(f.allowPodSchedulingNamespaces.empty());
  EXPECT_EQ(f.allowedImagePrefixes,
            (std::vector<std::string>{"quay.io/argoprojlabs/argocd-agent"}));
  clusteragent::TenantPolicy p = tenantPolicy(f);
  EXPECT_TRUE(p.requireNamespaceOptIn);
  EXPECT_EQ(p.operatorImage, f.agentImage);
  EXPECT_TRUE(p.clusterWideNamespaces.empty());
}

TEST(FlagsTest, TenantPolicyFlagsAreRepeatableAndCommaSeparated) {
  Flags f = parseOk({"--allow-cluster-wide-namespaces=a,b", "--allow-cluster-wide-namespaces", "c",
                     "--allow-extra-rules-namespaces=*", "--allow-pod-scheduling-namespaces=d",
                     "--agent-image=mirror.example.com/agent:v1"});
  EXPECT_EQ(f.allowClusterWideNamespaces, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(f.allowExtraRulesNamespaces, (std::vector<std::string>{"*"}));
  EXPECT_EQ(f.allowPodSchedulingNamespaces, (std::vector<std::string>{"d"}));
  clusteragent::TenantPolicy p = tenantPolicy(f);
  EXPECT_EQ(p.clusterWideNamespaces, f.allowClusterWideNamespaces);
  EXPECT_EQ(p.extraRulesNamespaces, f.allowExtraRulesNamespaces);
  EXPECT_EQ(p.podSchedulingNamespaces, f.allowPodSchedulingNamespaces);
  EXPECT_EQ(p.operatorImage, "mirror.example.com/agent:v1");
}

TEST(FlagsTest, ImagePrefixesReplaceTheDefaultThenAppend) {
  EXPECT_EQ(parseOk({"--allowed-image-prefixes=r.example.com/a/,r2.example.com/b",
                     "--allowed-image-prefixes", "r3.example.com/"})
                .allowedImagePrefixes,
            (std::vector<std::string>{"r.example.com/a/", "r2.example.com/b", "r3.example.com/"}));
  EXPECT_TRUE(parseOk({"--allowed-image-prefixes="}).allowedImagePrefixes.empty());
  EXPECT_EQ(parseOk({"--allowed-image-prefixes=*"}).allowedImagePrefixes,
            (std::vector<std::string>{"*"}));
}

TEST(FlagsTest, TenantPolicyFlagErrorsNameTheFlag) {
  EXPECT_NE(parseErr({"--allow-cluster-wide-namespaces="}).find("--allow-cluster-wide-namespaces"),
            std::string::npos);
  EXPECT_NE(parseErr({"--allow-extra-rules-namespaces=Bad_NS"}).find("not a namespace name"),
            std::string::npos);
  EXPECT_NE(parseErr({"--allow-pod-scheduling-namespaces=a,-b"}).find("\"-b\""), std::string::npos);
  EXPECT_NE(parseErr({"--allowed-image-prefixes=a b"}).find("--allowed-image-prefixes"),
            std::string::npos);
}

TEST(FlagsTest, HelpDescribesTenantPolicy) {
  std::string u = usage("clusteragent-operator");
  for (const char* text : {"--allow-cluster-wide-namespaces", "--allow-extra-rules-namespaces",
                           "--allow-pod-scheduling-namespaces", "--allowed-image-prefixes",
                           "clusteragent.argoproj.io/allow-from-<source-namespace>=true",
                           "Default: quay.io/argoprojlabs/argocd-agent\n", "docs/security.md"}) {
    EXPECT_NE(u.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace cmd
