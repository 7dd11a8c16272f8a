// The rendered agent against what the pinned upstream version (argocd-agent
// v0.9.0) reads and grants. The tables below are transcribed from upstream's
// source at that tag (file and line in each comment); on a version bump,
// re-read those files, update the tables, and this test shows every place the
// rendered configuration no longer matches.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "reconcilers/clusteragent/build_cluster_role.h"
#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/build_role.h"
#include "tests/builders/cluster_agent_builder.h"
#include "tests/reconcilers/clusteragent/upstream_agent_rbac.h"

namespace clusteragent {
namespace {

using testbuilders::makeClusterAgent;
using testbuilders::withArgocdNamespace;
using testbuilders::withCaSecret;
using testbuilders::withClientCert;
using testbuilders::withSpecField;
using testbuilders::withToken;

// cmd/argocd-agent/agent.go, lines 331-479 at v0.9.0: every variable the
// `agent` command reads (env.*WithDefault).
const std::set<std::string> kUpstreamAgentEnv = {
    "ARGOCD_AGENT_ALLOWED_NAMESPACES",
    "ARGOCD_AGENT_CACHE_REFRESH_INTERVAL",
    "ARGOCD_AGENT_CREATE_NAMESPACE",
    "ARGOCD_AGENT_CREDS",
    "ARGOCD_AGENT_DESTINATION_BASED_MAPPING",
    "ARGOCD_AGENT_ENABLE_COMPRESSION",
    "ARGOCD_AGENT_ENABLE_RESOURCE_PROXY",
    "ARGOCD_AGENT_ENABLE_WEBSOCKET",
    "ARGOCD_AGENT_FULL_DETAIL",
    "ARGOCD_AGENT_GRPC_MAX_MESSAGE_SIZE",
    "ARGOCD_AGENT_HEALTH_CHECK_PORT",
    "ARGOCD_AGENT_HEARTBEAT_INTERVAL",
    "ARGOCD_AGENT_IGNORE_UNMANAGED_APPS",
    "ARGOCD_AGENT_INFORMER_SYNC_TIMEOUT",
    "ARGOCD_AGENT_INSECURE_PLAINTEXT",
    "ARGOCD_AGENT_KEEP_ALIVE_PING_INTERVAL",
    "ARGOCD_AGENT_LABEL_SELECTOR",
    "ARGOCD_AGENT_LOG_FORMAT",
    "ARGOCD_AGENT_LOG_LEVEL",
    "ARGOCD_AGENT_METRICS_PORT",
    "ARGOCD_AGENT_MODE",
    "ARGOCD_AGENT_NAMESPACE",
    "ARGOCD_AGENT_ON_APPLICATION_RECREATE",
    "ARGOCD_AGENT_OTLP_ADDRESS",
    "ARGOCD_AGENT_OTLP_INSECURE",
    "ARGOCD_AGENT_PPROF_PORT",
    "ARGOCD_AGENT_REDIS_TLS_CA_PATH",
    "ARGOCD_AGENT_REDIS_TLS_CA_SECRET_NAME",
    "ARGOCD_AGENT_REDIS_TLS_ENABLED",
    "ARGOCD_AGENT_REDIS_TLS_INSECURE",
    "ARGOCD_AGENT_REMOTE_PORT",
    "ARGOCD_AGENT_REMOTE_SERVER",
    "ARGOCD_AGENT_SOURCE_UID_MISMATCH_POLICY",
    "ARGOCD_AGENT_TLS_CIPHERSUITES",
    "ARGOCD_AGENT_TLS_CLIENT_CERT_PATH",
    "ARGOCD_AGENT_TLS_CLIENT_KEY_PATH",
    "ARGOCD_AGENT_TLS_INSECURE",
    "ARGOCD_AGENT_TLS_MAX_VERSION",
    "ARGOCD_AGENT_TLS_MIN_VERSION",
    "ARGOCD_AGENT_TLS_ROOT_CA_PATH",
    "ARGOCD_AGENT_TLS_ROOT_CA_SECRET_NAME",
    "ARGOCD_AGENT_TLS_SECRET_NAME",
    "REDIS_ADDR",
    "REDIS_CREDS_DIR_PATH",
    "REDIS_PASSWORD",
    "REDIS_USERNAME",
};
// Read by Go's net/http (ProxyFromEnvironment), not by the agent's flags.
const std::set<std::string> kGoRuntimeEnv = {"HTTPS_PROXY", "NO_PROXY"};

// The operator renders the ports explicitly; upstream's defaults
// (agent.go:420 metrics 8181, agent.go:423 healthz 8001) are what the
// container ports, probes and metrics Service assume.
static_assert(kMetricsPort == 8181 && kHealthPort == 8001);

// Sorted copies, so rule order and list order do not matter.
json normalized(json rules) {
  for (auto& r : rules) {
    for (const char* f : {"apiGroups", "resources", "verbs"}) {
      std::vector<std::string> v = r[f].get<std::vector<std::string>>();
      std::sort(v.begin(), v.end());
      r[f] = v;
    }
  }
  std::sort(rules.begin(), rules.end(),
            [](const json& a, const json& b) { return a.dump() < b.dump(); });
  return rules;
}

std::set<std::string> renderedEnvNames(const json& clusterAgent) {
  ParseOptions po;
  po.defaultImage = "quay.io/argoprojlabs/argocd-agent:v0.9.0";
  auto parsed = parseClusterAgent(clusterAgent, po);
  EXPECT_TRUE(parsed.ok()) << parsed.errorSummary();
  auto d = buildDeployment(parsed.spec, {"h"});
  std::set<std::string> names;
  for (const auto& e : d.object["spec"]["template"]["spec"]["containers"][0]["env"]) {
    names.insert(e["name"].get<std::string>());
  }
  return names;
}

ClusterAgentSpec specOf(const json& clusterAgent) {
  auto parsed = parseClusterAgent(clusterAgent, {});
  EXPECT_TRUE(parsed.ok()) << parsed.errorSummary();
  return parsed.spec;
}

TEST(UpstreamAgentContract, EveryRenderedVariableIsOneUpstreamReads) {
  // Specs that together switch on every variable the builder can render.
  const json specs[] = {
      makeClusterAgent("seed", withToken("t")),
      makeClusterAgent("mtls", withClientCert("client"), withCaSecret("ca"),
                       withArgocdNamespace("gitops")),
      makeClusterAgent(
          "tuned", withToken("t"), withSpecField("keepAliveInterval", "30s"),
          withSpecField("enableWebSocket", true), withSpecField("enableCompression", false),
          withSpecField("redis", {{"address", "r:6379"}, {"passwordSecretRef", {{"name", "p"}}}}),
          withSpecField("proxy", {{"httpsProxy", "http://p:3128"}, {"noProxy", "x"}}),
          withSpecField("tls", {{"rootCAPath", "/etc/ssl/certs/ca-certificates.crt"}})),
      makeClusterAgent("insecure", withSpecField("tls", {{"insecureSkipVerify", true}})),
  };
  for (const auto& ca : specs) {
    for (const auto& name : renderedEnvNames(ca)) {
      EXPECT_TRUE(kUpstreamAgentEnv.count(name) || kGoRuntimeEnv.count(name))
          << name << " is not read by argocd-agent v0.9.0 (rendered for " << ca["metadata"]["name"]
          << ")";
    }
  }
}

TEST(UpstreamAgentContract, RoleIsUpstreamsRole) {
  EXPECT_EQ(normalized(buildRole(specOf(makeClusterAgent("a"))).object["rules"]),
            normalized(kUpstreamRole));
}

// Upstream's install always binds its ClusterRole; the agent syncs a
// cluster-wide Namespace informer at start (agent/agent.go:425-439, 553-564)
// and exits without it. Without rbac.clusterWide the operator grants exactly
// upstream's namespaces rule minus `create`; with it, upstream's ClusterRole.
TEST(UpstreamAgentContract, ClusterRoleIsUpstreamsOrItsReadOnlyPart) {
  EXPECT_EQ(normalized(buildClusterRole(specOf(makeClusterAgent(
                                            "a", withSpecField("rbac", {{"clusterWide", true}}))))
                           .object["rules"]),
            normalized(kUpstreamClusterRole));

  json readOnly = json::array({kUpstreamClusterRole[0]});
  readOnly[0]["verbs"] = {"get", "list", "watch"};
  EXPECT_EQ(normalized(buildClusterRole(specOf(makeClusterAgent("a"))).object["rules"]),
            normalized(readOnly));
}

}  // namespace
}  // namespace clusteragent
