// The ClusterAgent CRD against the real kube-apiserver: the shipped schema
// accepts the api.md sample unchanged and refuses bad input with a message
// naming the field, and `kubectl explain` documents the fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/control_plane.h"

namespace testsupport {
namespace {

using ::testing::HasSubstr;

class ClusterAgentCrd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& cp = ControlPlane::instance();
    CommandResult r =
        cp.kubectl({"apply", "-f", cp.repoRoot() + "/crds/clusteragents.argoproj.io.yaml"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = cp.kubectl(
        {"wait", "--for=condition=Established", "--timeout=60s", "crd/clusteragents.argoproj.io"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }

  // Applies a ClusterAgent whose spec body is `specYaml` (indented by 2).
  CommandResult applyAgent(const std::string& name, const std::string& specYaml) {
    std::string manifest =
        "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAgent\nmetadata:\n  name: " + name +
        "\n  namespace: " + ns_.name() + "\nspec:\n" + specYaml;
    return ControlPlane::instance().kubectl({"apply", "-f", "-"}, manifest);
  }

  TestNamespace ns_{"crd"};
};

TEST_F(ClusterAgentCrd, ApiMdSampleAppliesUnchanged) {
  // Exactly the api.md manifest, only the namespace moved to the test's own.
  CommandResult r = applyAgent("aro-agent",
                               "  serverAddr: https://argocd.yourdomain.com\n"
                               "  authToken: \"<token-from-central-argocd>\"\n"
                               "  clusterName: aro-prod\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = ControlPlane::instance().kubectl(
      {"get", "clusteragent", "aro-agent", "-n", ns_.name(), "-o", "jsonpath={.spec.mode}"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(r.output, "managed");  // schema default
}

TEST_F(ClusterAgentCrd, PrinterColumns) {
  ASSERT_EQ(applyAgent("cols", "  serverAddr: x.example.com:8443\n  clusterName: c1\n").exitCode,
            0);
  CommandResult r =
      ControlPlane::instance().kubectl({"get", "clusteragents", "-n", ns_.name(), "-o", "wide"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  for (const char* col : {"CLUSTER", "SERVER", "MODE", "CONNECTED", "PHASE", "AGE", "IMAGE",
                          "READY AGENTS", "MESSAGE"}) {
    EXPECT_THAT(r.output, HasSubstr(col));
  }
  EXPECT_THAT(r.output, HasSubstr("x.example.com:8443"));
}

struct Refusal {
  const char* title;
  const char* spec;
  const char* field;
};

class ClusterAgentCrdRefuses : public ClusterAgentCrd,
                               public ::testing::WithParamInterface<Refusal> {};

TEST_P(ClusterAgentCrdRefuses, NamingTheField) {
  const Refusal& c = GetParam();
  CommandResult r = applyAgent("bad", c.spec);
  EXPECT_NE(r.exitCode, 0) << c.title << " was accepted";
  EXPECT_THAT(r.output, HasSubstr(c.field)) << c.title;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClusterAgentCrdRefuses,
    ::testing::Values(
        Refusal{"http scheme", "  serverAddr: http://x\n  clusterName: a\n", "spec.serverAddr"},
        Refusal{"no host", "  serverAddr: \"https://\"\n  clusterName: a\n", "spec.serverAddr"},
        Refusal{"path", "  serverAddr: https://x/p\n  clusterName: a\n", "spec.serverAddr"},
        Refusal{"space", "  serverAddr: \"https://a b\"\n  clusterName: a\n", "spec.serverAddr"},
        Refusal{"bare host", "  serverAddr: x\n  clusterName: a\n", "spec.serverAddr"},
        Refusal{"bad clusterName", "  serverAddr: https://x\n  clusterName: Bad_Name\n",
                "spec.clusterName"},
        Refusal{"both token sources",
                "  serverAddr: https://x\n  clusterName: a\n  authToken: t\n"
                "  authTokenSecretRef: {name: s}\n",
                "spec.authTokenSecretRef"},
        Refusal{"unknown auth method",
                "  serverAddr: https://x\n  clusterName: a\n  auth: {method: foo}\n",
                "spec.auth.method"},
        Refusal{"replicas 2", "  serverAddr: https://x\n  clusterName: a\n  replicas: 2\n",
                "spec.replicas"},
        Refusal{"log level", "  serverAddr: https://x\n  clusterName: a\n  logLevel: verbose\n",
                "spec.logLevel"},
        Refusal{"two CA sources",
                "  serverAddr: https://x\n  clusterName: a\n"
                "  tls: {caSecretRef: {name: ca}, rootCAPath: /etc/ssl/certs/ca.crt}\n",
                "spec.tls.rootCAPath"},
        Refusal{"relative rootCAPath",
                "  serverAddr: https://x\n  clusterName: a\n  tls: {rootCAPath: certs/ca.crt}\n",
                "spec.tls.rootCAPath"},
        Refusal{"env turning TLS verification off",
                "  serverAddr: https://x\n  clusterName: a\n"
                "  env: [{name: EXTRA, value: '1'}, {name: ARGOCD_AGENT_TLS_INSECURE, value: "
                "'true'}]\n",
                "spec.env[1].name"}));

// spec.env may not set the agent's connection and security settings
// (reserved_agent_env.h); every other variable stays the user's.
TEST_F(ClusterAgentCrd, ReservedAgentEnvIsRefusedWithTheFix) {
  for (const char* name : {"ARGOCD_AGENT_CREDS", "ARGOCD_AGENT_INSECURE_PLAINTEXT",
                           "ARGOCD_AGENT_REMOTE_SERVER", "ARGOCD_AGENT_TLS_ROOT_CA_PATH"}) {
    SCOPED_TRACE(name);
    CommandResult r =
        applyAgent("reserved", std::string("  serverAddr: https://x\n  clusterName: a\n"
                                           "  env: [{name: ") +
                                   name + ", valueFrom: {secretKeyRef: {name: s, key: k}}}]\n");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("spec.env[0].name"));
    EXPECT_THAT(r.output, HasSubstr("set serverAddr, mode, argocdNamespace, auth or tls instead"));
  }
  CommandResult allowed = applyAgent("allowed",
                                     "  serverAddr: https://x\n  clusterName: a\n"
                                     "  env: [{name: ARGOCD_AGENT_LOG_LEVEL, value: debug}, {name: "
                                     "ARGOCD_AGENT_TLS_MIN_VERSION, value: tls1.3}]\n");
  EXPECT_EQ(allowed.exitCode, 0) << allowed.output;
}

TEST_F(ClusterAgentCrd, NameTooLongForItsChildrenIsRefused) {
  const std::string spec = "  serverAddr: https://x\n  clusterName: a\n";
  CommandResult tooLong = applyAgent(std::string(50, 'a'), spec);
  EXPECT_NE(tooLong.exitCode, 0);
  EXPECT_THAT(tooLong.output, HasSubstr("metadata.name")) << tooLong.output;
  CommandResult digit = applyAgent("1-agent", spec);
  EXPECT_NE(digit.exitCode, 0);
  EXPECT_THAT(digit.output, HasSubstr("metadata.name")) << digit.output;
  CommandResult longest = applyAgent(std::string(49, 'a'), spec);
  EXPECT_EQ(longest.exitCode, 0) << longest.output;
}

TEST_F(ClusterAgentCrd, BothTokenSourcesMessageNamesBothFields) {
  CommandResult r = applyAgent("both",
                               "  serverAddr: https://x\n  clusterName: a\n  authToken: t\n"
                               "  authTokenSecretRef: {name: s}\n");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_THAT(r.output, HasSubstr("authToken and authTokenSecretRef are mutually exclusive"));
}

// Proxy credentials in the ClusterAgent would be readable by anyone who can
// read it or the agent's pod spec: they belong in a Secret.
TEST_F(ClusterAgentCrd, ProxyCredentialsOnlyFromASecret) {
  const std::string base = "  serverAddr: https://x\n  clusterName: a\n";
  CommandResult both = applyAgent(
      "bothproxy",
      base + "  proxy: {httpsProxy: 'http://p:3128', httpsProxySecretRef: {name: px}}\n");
  EXPECT_NE(both.exitCode, 0);
  EXPECT_THAT(both.output, HasSubstr("spec.proxy.httpsProxySecretRef"));
  EXPECT_THAT(both.output, HasSubstr("httpsProxy and httpsProxySecretRef are mutually exclusive"));

  for (const char* url : {"http://agent:s3cr3t@p:3128", "agent:s3cr3t@p:3128"}) {
    SCOPED_TRACE(url);
    CommandResult creds = applyAgent("credsproxy", base + "  proxy: {httpsProxy: '" + url + "'}\n");
    EXPECT_NE(creds.exitCode, 0);
    EXPECT_THAT(creds.output, HasSubstr("spec.proxy.httpsProxy"));
    EXPECT_THAT(creds.output, HasSubstr("set httpsProxySecretRef"));
  }

  CommandResult plain = applyAgent(
      "plainproxy", base + "  proxy: {httpsProxy: 'http://p:3128/a@b', noProxy: .svc}\n");
  EXPECT_EQ(plain.exitCode, 0) << plain.output;
  CommandResult ref = applyAgent("refproxy", base + "  proxy: {httpsProxySecretRef: {name: px}}\n");
  EXPECT_EQ(ref.exitCode, 0) << ref.output;
  CommandResult key =
      ControlPlane::instance().kubectl({"get", "clusteragent", "refproxy", "-n", ns_.name(), "-o",
                                        "jsonpath={.spec.proxy.httpsProxySecretRef.key}"});
  EXPECT_EQ(key.output, "httpsProxy");  // schema default
}

TEST_F(ClusterAgentCrd, TwoCaSourcesMessageSaysWhy) {
  CommandResult r =
      applyAgent("twoca",
                 "  serverAddr: https://x\n  clusterName: a\n"
                 "  tls: {caSecretRef: {name: ca}, rootCAPath: /etc/ssl/certs/ca.crt}\n");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_THAT(r.output, HasSubstr("caSecretRef and rootCAPath are mutually exclusive"));
  CommandResult one = applyAgent(
      "oneca",
      "  serverAddr: https://x\n  clusterName: a\n  tls: {rootCAPath: /etc/ssl/certs/ca.crt}\n");
  EXPECT_EQ(one.exitCode, 0) << one.output;
}

TEST_F(ClusterAgentCrd, ExplainDescribesFields) {
  const auto& cp = ControlPlane::instance();
  // Discovery of a fresh CRD's OpenAPI can lag establishment: poll.
  CommandResult r;
  for (int i = 0; i < 60; ++i) {
    r = cp.kubectl({"explain", "clusteragent.spec.serverAddr"});
    if (r.exitCode == 0 && r.output.find("principal") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("https://host[:port]"));
  r = cp.kubectl({"explain", "clusteragent.spec.auth.method"});
  EXPECT_THAT(r.output, HasSubstr("userpass"));
}

}  // namespace
}  // namespace testsupport
