#include "reconcilers/clusteragent/spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/builders/cluster_agent_builder.h"

namespace clusteragent {
namespace {

using testbuilders::json;
using namespace testbuilders;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseClusterAgent, ApiMdSampleParsesWithDefaults) {
  json sample = json::parse(R"({
    "apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterAgent",
    "metadata": {"name": "aro-agent", "namespace": "argocd", "uid": "u"},
    "spec": {"serverAddr": "https://argocd.yourdomain.com",
             "authToken": "<token-from-central-argocd>", "clusterName": "aro-prod"}})");
  ParseResult r = parseClusterAgent(sample, ParseOptions{"img:1"});
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  const auto& s = r.spec;
  EXPECT_EQ(s.serverHost, "argocd.yourdomain.com");
  EXPECT_EQ(s.serverPort, 443);
  EXPECT_EQ(s.clusterName, "aro-prod");
  EXPECT_EQ(s.authMethod, AuthMethod::kUserpass);
  EXPECT_FALSE(s.authMethodExplicit);
  EXPECT_TRUE(s.needsCredentialsSecret());
  EXPECT_EQ(s.mode, AgentMode::kManaged);
  EXPECT_EQ(s.argocdNamespace, "argocd");
  EXPECT_EQ(s.image, "img:1");
  EXPECT_EQ(s.replicas, 1);
  EXPECT_EQ(s.logLevel, "info");
  EXPECT_EQ(s.logFormat, "text");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "spec.authToken");
  EXPECT_EQ(r.warnings[0].reason, "InlineAuthToken");
  // Argo CD's redis, next to it: a short name would resolve only in the pod's namespace.
  EXPECT_EQ(s.redis.address, "argocd-redis.argocd.svc:6379");
  EXPECT_TRUE(s.rootCAPath.empty());
}

TEST(ParseClusterAgent, RootCAPathIsKept) {
  ParseResult r = parseClusterAgent(makeClusterAgent(
      "a", withSpecField("tls", {{"rootCAPath", "/etc/ssl/certs/ca-certificates.crt"}})));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  EXPECT_EQ(r.spec.rootCAPath, "/etc/ssl/certs/ca-certificates.crt");
}

TEST(ParseClusterAgent, NoTokenDefaultsToMtls) {
  ParseResult r = parseClusterAgent(makeClusterAgent("a"));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  EXPECT_EQ(r.spec.authMethod, AuthMethod::kMtls);
  EXPECT_FALSE(r.spec.needsCredentialsSecret());
}

TEST(ParseClusterAgent, SecretRefKeysDefault) {
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withTokenSecret("tok"), withCaSecret("ca"),
                       withSpecField("redis", {{"passwordSecretRef", {{"name", "redis"}}}})));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  EXPECT_EQ(r.spec.authTokenSecretRef->key, "token");
  EXPECT_EQ(r.spec.caSecretRef->key, "ca.crt");
  EXPECT_EQ(r.spec.redis.passwordSecretRef->key, "auth");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ParseClusterAgent, ExplicitValuesWin) {
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withServer("principal.internal:8443"), withArgocdNamespace("gitops"),
                       withSpecField("mode", "autonomous"), withSpecField("replicas", 0),
                       withSpecField("image", "mine:2"), withSpecField("logLevel", "debug")));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  EXPECT_EQ(r.spec.serverHost, "principal.internal");
  EXPECT_EQ(r.spec.serverPort, 8443);
  EXPECT_EQ(r.spec.argocdNamespace, "gitops");
  EXPECT_EQ(r.spec.mode, AgentMode::kAutonomous);
  EXPECT_EQ(r.spec.replicas, 0);
  EXPECT_EQ(r.spec.image, "mine:2");
  EXPECT_EQ(r.spec.logLevel, "debug");
}

TEST(ParseClusterAgent, InsecureSkipVerifyWarns) {
  json o = makeClusterAgent("a", withSpecField("tls", {{"insecureSkipVerify", true}}));
  ParseResult r = parseClusterAgent(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].reason, "InsecureSkipVerify");
}

json nested(size_t levels) {
  json v = 1;
  for (size_t i = 0; i < levels; ++i) v = json{{"x", std::move(v)}};
  return v;
}

TEST(NestingDepth, CountsObjectsAndArrays) {
  EXPECT_EQ(nestingDepth(json(1)), 0u);
  EXPECT_EQ(nestingDepth(json::object()), 1u);
  EXPECT_EQ(nestingDepth(json::parse(R"({"a":[1,{"b":[]}],"c":2})")), 4u);
  EXPECT_EQ(nestingDepth(nested(7)), 7u);
}

// The API server admits JSON nested almost 10,000 levels, in free-form
// fields as anywhere else. A real affinity nests about 7.
TEST(ParseClusterAgent, AFieldNestedDeeperThanAnyRealOneIsRefusedByName) {
  json real = json::parse(R"({"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
      {"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In",
      "values":["a","b"]}]}]}}})");
  EXPECT_TRUE(parseClusterAgent(makeClusterAgent("a", withSpecField("affinity", real))).ok());
  EXPECT_TRUE(parseClusterAgent(
                  makeClusterAgent("a", withSpecField("affinity", nested(kMaxSpecFieldNesting))))
                  .ok());

  // Built without recursion; parsed, checked and refused without it too.
  json deep = 1;
  for (int i = 0; i < 9990; ++i) deep = json{{"x", std::move(deep)}};
  ParseResult r = parseClusterAgent(makeClusterAgent("a", withSpecField("affinity", deep)));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << r.errorSummary();
  EXPECT_EQ(r.errors[0].field, "spec.affinity");
  EXPECT_THAT(r.errors[0].message, HasSubstr("nested 9990 levels deep; at most 32"));
}

struct BadCase {
  const char* title;
  json object;
  const char* field;
  const char* messagePart;
};

class ParseClusterAgentRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseClusterAgentRejects, NamesTheField) {
  const BadCase& c = GetParam();
  ParseResult r = parseClusterAgent(c.object);
  ASSERT_FALSE(r.ok()) << c.title;
  bool found = false;
  for (const auto& e : r.errors) {
    if (e.field == c.field) {
      found = true;
      EXPECT_THAT(e.message, HasSubstr(c.messagePart)) << c.title;
    }
  }
  EXPECT_TRUE(found) << c.title << ": no error on " << c.field << "; got: " << r.errorSummary();
  // Errors never echo a token.
  EXPECT_THAT(r.errorSummary(), ::testing::Not(HasSubstr("s3cr3t"))) << c.title;
}

json withoutSpecField(json o, const std::string& f) {
  o["spec"].erase(f);
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseClusterAgentRejects,
    ::testing::Values(
        BadCase{"http scheme", makeClusterAgent("a", withServer("http://x")), "spec.serverAddr",
                "scheme"},
        BadCase{"empty host", makeClusterAgent("a", withServer("https://")), "spec.serverAddr",
                "host"},
        BadCase{"space", makeClusterAgent("a", withServer("https://a b")), "spec.serverAddr",
                "whitespace"},
        BadCase{"path", makeClusterAgent("a", withServer("https://x/p")), "spec.serverAddr",
                "path"},
        BadCase{"bare host", makeClusterAgent("a", withServer("x")), "spec.serverAddr", "port"},
        BadCase{"port range", makeClusterAgent("a", withServer("https://x:70000")),
                "spec.serverAddr", "65535"},
        BadCase{"serverAddr type", makeClusterAgent("a", withSpecField("serverAddr", 5)),
                "spec.serverAddr", "string"},
        BadCase{"serverAddr missing", withoutSpecField(makeClusterAgent("a"), "serverAddr"),
                "spec.serverAddr", "Required"},
        BadCase{"clusterName", makeClusterAgent("a", withClusterName("Bad_Name")),
                "spec.clusterName", "DNS-1123"},
        BadCase{"clusterName long", makeClusterAgent("a", withClusterName(std::string(64, 'a'))),
                "spec.clusterName", "DNS-1123"},
        BadCase{"both tokens", makeClusterAgent("a", withToken("s3cr3t"), withTokenSecret("s")),
                "spec.authTokenSecretRef", "mutually exclusive"},
        BadCase{"unknown method", makeClusterAgent("a", withAuthMethod("foo")), "spec.auth.method",
                "unsupported value \"foo\": supported values \"userpass\", \"mtls\", \"header\""},
        BadCase{"userpass without token", makeClusterAgent("a", withAuthMethod("userpass")),
                "spec.auth.method", "needs a token"},
        BadCase{"mtls with token",
                makeClusterAgent("a", withAuthMethod("mtls"), withToken("s3cr3t")),
                "spec.authToken", "only used with"},
        BadCase{"header with token secret",
                makeClusterAgent("a", withAuthMethod("header"), withTokenSecret("s")),
                "spec.authTokenSecretRef", "only used with"},
        BadCase{"secret ref without name",
                makeClusterAgent("a", withSpecField("authTokenSecretRef", json::object())),
                "spec.authTokenSecretRef.name", "Required"},
        BadCase{"rootCAPath relative",
                makeClusterAgent("a", withSpecField("tls", {{"rootCAPath", "etc/ca.pem"}})),
                "spec.tls.rootCAPath", "absolute file path"},
        BadCase{"rootCAPath dot-dot",
                makeClusterAgent("a", withSpecField("tls", {{"rootCAPath", "/etc/../ca.pem"}})),
                "spec.tls.rootCAPath", "absolute file path"},
        BadCase{"rootCAPath and caSecretRef",
                makeClusterAgent("a", withSpecField("tls", {{"caSecretRef", {{"name", "ca"}}},
                                                            {"rootCAPath", "/etc/ca.pem"}})),
                "spec.tls.rootCAPath", "mutually exclusive"},
        BadCase{"replicas 2", makeClusterAgent("a", withSpecField("replicas", 2)), "spec.replicas",
                "0 or 1"},
        BadCase{"replicas string", makeClusterAgent("a", withSpecField("replicas", "1")),
                "spec.replicas", "integer"},
        BadCase{"mode", makeClusterAgent("a", withSpecField("mode", "push")), "spec.mode",
                "unsupported value"},
        BadCase{"logLevel", makeClusterAgent("a", withSpecField("logLevel", "verbose")),
                "spec.logLevel", "unsupported value"},
        BadCase{"logFormat", makeClusterAgent("a", withSpecField("logFormat", "xml")),
                "spec.logFormat", "unsupported value"},
        BadCase{"pull policy", makeClusterAgent("a", withSpecField("imagePullPolicy", "Sometimes")),
                "spec.imagePullPolicy", "unsupported value"},
        BadCase{"keepAlive", makeClusterAgent("a", withSpecField("keepAliveInterval", "30")),
                "spec.keepAliveInterval", "duration"},
        BadCase{"websocket type", makeClusterAgent("a", withSpecField("enableWebSocket", "yes")),
                "spec.enableWebSocket", "boolean"},
        BadCase{"argocdNamespace", makeClusterAgent("a", withArgocdNamespace("Argo CD")),
                "spec.argocdNamespace", "DNS-1123"},
        BadCase{"tls type", makeClusterAgent("a", withSpecField("tls", "on")), "spec.tls",
                "object"},
        BadCase{"env name",
                makeClusterAgent("a", withSpecField("env", json::array({{{"value", "x"}}}))),
                "spec.env[0].name", "Required"},
        BadCase{"nodeSelector value",
                makeClusterAgent("a", withSpecField("nodeSelector", {{"k", 1}})),
                "spec.nodeSelector.k", "string"},
        BadCase{"extra rule verbs",
                makeClusterAgent("a", withSpecField("rbac",
                                                    {{"extraRules",
                                                      json::array({{{"resources", {"pods"}}}})}})),
                "spec.rbac.extraRules[0].verbs", "Required"},
        BadCase{"pull secret",
                makeClusterAgent("a", withSpecField("imagePullSecrets", json::array({"x"}))),
                "spec.imagePullSecrets[0]", "object"},
        BadCase{"spec missing", json{{"metadata", {{"name", "a"}, {"namespace", "n"}}}}, "spec",
                "Required"},
        BadCase{"name too long for the metrics Service", makeClusterAgent(std::string(50, 'a')),
                "metadata.name", "at most 49 characters"},
        BadCase{"name starting with a digit", makeClusterAgent("1a"), "metadata.name", "DNS-1035"},
        BadCase{"dotted name", makeClusterAgent("a.b"), "metadata.name", "DNS-1035"},
        BadCase{"proxy plain and from a Secret",
                makeClusterAgent("a", withSpecField("proxy", {{"httpsProxy", "http://p:3128"},
                                                              {"httpsProxySecretRef",
                                                               {{"name", "proxy"}}}})),
                "spec.proxy.httpsProxySecretRef", "mutually exclusive"},
        BadCase{"proxy Secret ref without name",
                makeClusterAgent("a",
                                 withSpecField("proxy", {{"httpsProxySecretRef", json::object()}})),
                "spec.proxy.httpsProxySecretRef.name", "Required"},
        BadCase{"proxy credentials in the spec",
                makeClusterAgent("a", withSpecField("proxy",
                                                    {{"httpsProxy", "http://u:s3cr3t@p:3128"}})),
                "spec.proxy.httpsProxy", "spec.proxy.httpsProxySecretRef"}));

TEST(IsClusterAgentName, EveryDerivedNameFitsItsKind) {
  EXPECT_EQ(kMaxClusterAgentNameLength, 49u);
  EXPECT_TRUE(isClusterAgentName(std::string(49, 'a')));
  EXPECT_FALSE(isClusterAgentName(std::string(50, 'a')));
  EXPECT_TRUE(isClusterAgentName("aro-prod-2"));
  EXPECT_FALSE(isClusterAgentName("2-aro"));
  EXPECT_FALSE(isClusterAgentName("aro-"));
  EXPECT_FALSE(isClusterAgentName("Aro"));
  EXPECT_FALSE(isClusterAgentName(""));
}

TEST(ParseServerAddr, AcceptedForms) {
  std::string err;
  auto a = parseServerAddr("https://[::1]:8443", &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 8443);
  auto b = parseServerAddr("https://10.0.0.1", &err);
  ASSERT_TRUE(b) << err;
  EXPECT_EQ(b->port, 443);
  auto c = parseServerAddr("principal:443", &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->host, "principal");
}

TEST(IsGoDuration, Forms) {
  EXPECT_TRUE(isGoDuration("30s"));
  EXPECT_TRUE(isGoDuration("1m30s"));
  EXPECT_TRUE(isGoDuration("1.5h"));
  EXPECT_FALSE(isGoDuration("30"));
  EXPECT_FALSE(isGoDuration(""));
  EXPECT_FALSE(isGoDuration("s"));
}

TEST(IsGoDuration, UnitsAndFractionsAsTheCrdPatternSaysThem) {
  for (const char* ok : {"1ns", "1us", "1µs", "1ms", "1s", "1m", "1h", "2h45m0.5s", "0s"}) {
    EXPECT_TRUE(isGoDuration(ok)) << ok;
  }
  for (const char* bad : {"1.s", ".5s", "1ms5", "-1s", "1sx", "1μs", "1 s", "1S", "µs"}) {
    EXPECT_FALSE(isGoDuration(bad)) << bad;
  }
}

// Found with the fuzz build of the spec parser (tests/fuzz): std::regex
// recursed once per unit and overflowed the stack on a keepAliveInterval of
// 8,000 units (16 KB) in the gcc build, a value the CRD's pattern admits.
TEST(IsGoDuration, AValueOfAMillionUnitsDoesNotExhaustTheStack) {
  std::string longDuration;
  for (int i = 0; i < 1000000; ++i) longDuration += "1s";
  EXPECT_TRUE(isGoDuration(longDuration));
  EXPECT_FALSE(isGoDuration(longDuration + "1"));
}

TEST(ParseClusterAgent, ProxyFromASecretNeedsTheCredsSecretEvenForMtls) {
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withSpecField("proxy", {{"httpsProxySecretRef", {{"name", "px"}}}})));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  ASSERT_TRUE(r.spec.proxy.httpsProxySecretRef);
  EXPECT_EQ(r.spec.proxy.httpsProxySecretRef->name, "px");
  EXPECT_EQ(r.spec.proxy.httpsProxySecretRef->key, "httpsProxy");
  EXPECT_EQ(r.spec.proxy.httpsProxy, "");
  EXPECT_EQ(r.spec.authMethod, AuthMethod::kMtls);
  EXPECT_FALSE(r.spec.needsToken());
  EXPECT_TRUE(r.spec.needsCredentialsSecret());
}

// A CR admitted before the CRD's rule: SpecValid=False with its own reason,
// and the credential appears in no message.
TEST(ParseClusterAgent, ProxyCredentialsInTheSpecAreRefusedWithoutQuotingThem) {
  for (const char* url : {"http://agent:s3cr3t@proxy:3128", "http://s3cr3t@proxy:3128",
                          "agent:s3cr3t@proxy:3128", "HTTPS://agent:s3cr3t@proxy"}) {
    ParseResult r =
        parseClusterAgent(makeClusterAgent("a", withSpecField("proxy", {{"httpsProxy", url}})));
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.errorReason(), kReasonProxyCredentialsInSpec) << url;
    EXPECT_THAT(r.errorSummary(), HasSubstr("httpsProxySecretRef")) << url;
    EXPECT_THAT(r.errorSummary(), Not(HasSubstr("s3cr3t"))) << url;
    EXPECT_EQ(r.spec.proxy.httpsProxy, "") << url;
  }
}

TEST(ProxyUrlHasUserinfo, OnlyBeforeTheHostEnds) {
  EXPECT_TRUE(proxyUrlHasUserinfo("http://u:p@h:3128"));
  EXPECT_TRUE(proxyUrlHasUserinfo("u@h:3128"));
  EXPECT_FALSE(proxyUrlHasUserinfo(""));
  EXPECT_FALSE(proxyUrlHasUserinfo("http://proxy.internal:3128"));
  EXPECT_FALSE(proxyUrlHasUserinfo("proxy:3128"));
  // An '@' in a path or query is not userinfo.
  EXPECT_FALSE(proxyUrlHasUserinfo("http://proxy:3128/a@b"));
  EXPECT_FALSE(proxyUrlHasUserinfo("http://proxy:3128?x=a@b"));
}

TEST(ParseClusterAgent, NotAnObjectIsAnErrorNotACrash) {
  EXPECT_FALSE(parseClusterAgent(json::array()).ok());
  EXPECT_FALSE(parseClusterAgent(json()).ok());
  EXPECT_FALSE(parseClusterAgent(json{{"metadata", 1}, {"spec", 2}}).ok());
}

}  // namespace
}  // namespace clusteragent
