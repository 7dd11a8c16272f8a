#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcilers/clusteragent/build_cluster_role.h"
#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/build_metrics_service.h"
#include "reconcilers/clusteragent/build_role.h"
#include "reconcilers/clusteragent/build_service_account.h"
#include "reconcilers/clusteragent/credentials_hash.h"
#include "reconcilers/clusteragent/object_meta.h"
#include "tests/builders/cluster_agent_builder.h"

namespace clusteragent {
namespace {

using namespace testbuilders;
using ::testing::HasSubstr;
using ::testing::Not;

ClusterAgentSpec specOf(const json& o) {
  ParseResult r = parseClusterAgent(o, ParseOptions{"quay.io/argoprojlabs/argocd-agent:v0.5.0"});
  EXPECT_TRUE(r.ok()) << r.errorSummary();
  return r.spec;
}

// env list -> name => entry
std::map<std::string, json> envByName(const json& deployment) {
  std::map<std::string, json> out;
  for (const auto& e : deployment["spec"]["template"]["spec"]["containers"][0]["env"]) {
    out[e["name"].get<std::string>()] = e;
  }
  return out;
}

std::string envValue(const json& deployment, const std::string& name) {
  auto env = envByName(deployment);
  auto it = env.find(name);
  return it == env.end() ? "<unset>" : it->second.value("value", "<valueFrom>");
}

void expectCommonMeta(const json& obj, const std::string& name) {
  const json& labels = obj["metadata"]["labels"];
  EXPECT_EQ(labels["app.kubernetes.io/managed-by"], "clusteragent-operator") << obj.dump();
  EXPECT_EQ(labels["argoproj.io/clusteragent"], name);
  EXPECT_EQ(labels["app.kubernetes.io/name"], "argocd-agent");
  EXPECT_EQ(labels["app.kubernetes.io/instance"], name);
  EXPECT_FALSE(obj.contains("status"));
}

void expectOwnedBy(const json& obj, const std::string& name, const std::string& uid) {
  ASSERT_EQ(obj["metadata"]["ownerReferences"].size(), 1u) << obj.dump();
  const json& ref = obj["metadata"]["ownerReferences"][0];
  EXPECT_EQ(ref["apiVersion"], "argoproj.io/v1alpha1");
  EXPECT_EQ(ref["kind"], "ClusterAgent");
  EXPECT_EQ(ref["name"], name);
  EXPECT_EQ(ref["uid"], uid);
  EXPECT_EQ(ref["controller"], true);
  EXPECT_EQ(ref["blockOwnerDeletion"], true);
}

TEST(BuildServiceAccount, NameMetaOwner) {
  auto d = buildServiceAccount(specOf(makeClusterAgent("a", withUid("u-7"))));
  EXPECT_EQ(d.object["kind"], "ServiceAccount");
  EXPECT_EQ(d.name(), "a-agent");
  EXPECT_EQ(d.ns(), "argocd");
  EXPECT_TRUE(d.ownerReferenced);
  expectCommonMeta(d.object, "a");
  expectOwnedBy(d.object, "a", "u-7");
}

TEST(BuildRole, UpstreamRulesPlusExtraInSameNamespace) {
  json extra = json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}});
  auto spec = specOf(makeClusterAgent("a", withSpecField("rbac", {{"extraRules", extra}})));
  auto role = buildRole(spec);
  EXPECT_EQ(role.object["kind"], "Role");
  EXPECT_EQ(role.name(), "a-agent");
  EXPECT_EQ(role.ns(), "argocd");
  EXPECT_TRUE(role.ownerReferenced);
  const json& rules = role.object["rules"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["resources"], json({"applications", "appprojects", "applicationsets"}));
  EXPECT_EQ(rules[0]["verbs"].size(), 7u);
  EXPECT_EQ(rules[1]["resources"], json({"secrets", "configmaps"}));
  EXPECT_EQ(rules[2]["verbs"], json({"create", "list"}));
  EXPECT_EQ(rules[3], extra[0]);

  auto rb = buildRoleBinding(spec);
  EXPECT_EQ(rb.object["roleRef"]["name"], "a-agent");
  EXPECT_EQ(rb.object["subjects"][0]["name"], "a-agent");
  EXPECT_EQ(rb.object["subjects"][0]["namespace"], "argocd");
}

TEST(BuildRole, OtherArgocdNamespaceIsNotOwnerReferenced) {
  auto spec = specOf(makeClusterAgent("a", withNamespace("agents"), withArgocdNamespace("argocd")));
  for (const auto& d : {buildRole(spec), buildRoleBinding(spec)}) {
    EXPECT_EQ(d.ns(), "argocd");
    EXPECT_EQ(d.name(), "clusteragent:agents:a");
    EXPECT_FALSE(d.ownerReferenced);
    EXPECT_FALSE(d.object["metadata"].contains("ownerReferences"));
    EXPECT_EQ(d.object["metadata"]["labels"]["argoproj.io/clusteragent-namespace"], "agents");
    expectCommonMeta(d.object, "a");
  }
  EXPECT_EQ(buildRoleBinding(spec).object["subjects"][0]["namespace"], "agents");
}

// Two teams' ClusterAgents, alike in name, sharing one argocdNamespace.
TEST(BuildRole, AlikeClusterAgentsOfTwoNamespacesGetTwoRolesInTheSharedOne) {
  auto a =
      specOf(makeClusterAgent("aro-agent", withNamespace("team-a"), withArgocdNamespace("argocd")));
  auto b =
      specOf(makeClusterAgent("aro-agent", withNamespace("team-b"), withArgocdNamespace("argocd")));
  EXPECT_NE(buildRole(a).name(), buildRole(b).name());
  EXPECT_NE(buildRoleBinding(a).name(), buildRoleBinding(b).name());
  EXPECT_EQ(buildRoleBinding(a).object["roleRef"]["name"], buildRole(a).name());
}

TEST(BuildClusterRole, NamedByNamespaceAndBindsRealNamespace) {
  auto spec = specOf(makeClusterAgent("a", withNamespace("team-x"),
                                      withSpecField("rbac", {{"clusterWide", true}})));
  auto cr = buildClusterRole(spec);
  auto crb = buildClusterRoleBinding(spec);
  EXPECT_EQ(cr.name(), "clusteragent:team-x:a");
  EXPECT_EQ(cr.ns(), "");
  EXPECT_FALSE(cr.ownerReferenced);
  EXPECT_FALSE(cr.object["metadata"].contains("ownerReferences"));
  EXPECT_EQ(cr.object["rules"][0]["resources"], json({"namespaces"}));
  EXPECT_EQ(cr.object["rules"][0]["verbs"], json({"get", "list", "watch", "create"}));
  EXPECT_EQ(crb.name(), "clusteragent:team-x:a");
  EXPECT_EQ(crb.object["roleRef"]["kind"], "ClusterRole");
  EXPECT_EQ(crb.object["subjects"][0]["namespace"], "team-x");
  EXPECT_EQ(crb.object["subjects"][0]["name"], "a-agent");
  EXPECT_EQ(crb.object["metadata"]["labels"]["argoproj.io/clusteragent-namespace"], "team-x");
}

// Cluster-scoped names are unique per ClusterAgent: with '-' as separator
// "team" + "a-x" and "team-a" + "x" would share one ClusterRole (issue 10.2).
TEST(BuildClusterRole, NamesOfDifferentClusterAgentsNeverCollide) {
  auto one = specOf(makeClusterAgent("a-x", withNamespace("team")));
  auto two = specOf(makeClusterAgent("x", withNamespace("team-a")));
  EXPECT_NE(buildClusterRole(one).name(), buildClusterRole(two).name());
  EXPECT_NE(buildClusterRoleBinding(one).name(), buildClusterRoleBinding(two).name());
  EXPECT_EQ(buildClusterRole(one).name(), "clusteragent:team:a-x");
  EXPECT_EQ(buildClusterRole(two).name(), "clusteragent:team-a:x");
  // Longest namespace and ClusterAgent name: within an RBAC name's 253.
  auto longest = specOf(makeClusterAgent(std::string(kMaxClusterAgentNameLength, 'a'),
                                         withNamespace(std::string(63, 'n'))));
  EXPECT_LE(buildClusterRole(longest).name().size(), 253u);
}

// Upstream's agent always syncs a cluster-wide Namespace informer: every
// ClusterAgent gets read-only Namespace access, clusterWide adds the rest.
TEST(BuildClusterRole, NamespacesReadOnlyWithoutClusterWide) {
  auto spec = specOf(makeClusterAgent("a"));
  auto cr = buildClusterRole(spec).object;
  ASSERT_EQ(cr["rules"].size(), 1u);
  EXPECT_EQ(cr["rules"][0]["apiGroups"], json({""}));
  EXPECT_EQ(cr["rules"][0]["resources"], json({"namespaces"}));
  EXPECT_EQ(cr["rules"][0]["verbs"], json({"get", "list", "watch"}));

  auto wide = buildClusterRole(
                  specOf(makeClusterAgent("a", withSpecField("rbac", {{"clusterWide", true}}))))
                  .object;
  ASSERT_EQ(wide["rules"].size(), 2u);
  EXPECT_EQ(wide["rules"][1]["resources"], json({"applications"}));
}

TEST(BuildCredentialsSecret, UserpassFileContent) {
  auto spec = specOf(makeClusterAgent("a", withClusterName("aro-prod"), withToken("tok")));
  auto d = buildCredentialsSecret(spec, CredentialValues{"tok", ""});
  EXPECT_EQ(d.name(), "a-agent-creds");
  EXPECT_TRUE(d.ownerReferenced);
  expectCommonMeta(d.object, "a");
  // base64("aro-prod:tok")
  EXPECT_EQ(d.object["data"]["userpass.creds"], "YXJvLXByb2Q6dG9r");
  EXPECT_EQ(d.object["type"], "Opaque");
  EXPECT_FALSE(d.object["data"].contains(kHttpsProxyCredsKey));
}

const json kProxyFromSecret = {{"httpsProxySecretRef", {{"name", "px"}}}, {"noProxy", ".svc"}};

TEST(BuildCredentialsSecret, ProxyUrlBesideTheToken) {
  auto spec = specOf(makeClusterAgent("a", withClusterName("aro-prod"), withToken("tok"),
                                      withSpecField("proxy", kProxyFromSecret)));
  auto d = buildCredentialsSecret(spec, CredentialValues{"tok", "http://u:pw@p:3128"});
  EXPECT_EQ(d.object["data"]["userpass.creds"], "YXJvLXByb2Q6dG9r");
  // base64("http://u:pw@p:3128")
  EXPECT_EQ(d.object["data"][kHttpsProxyCredsKey], "aHR0cDovL3U6cHdAcDozMTI4");
}

TEST(BuildCredentialsSecret, MtlsWithAProxySecretCarriesOnlyTheProxy) {
  auto spec = specOf(makeClusterAgent("a", withSpecField("proxy", kProxyFromSecret)));
  auto d = buildCredentialsSecret(spec, CredentialValues{"", "http://u:pw@p:3128"});
  EXPECT_EQ(d.name(), "a-agent-creds");
  EXPECT_EQ(d.object["data"], json({{kHttpsProxyCredsKey, "aHR0cDovL3U6cHdAcDozMTI4"}}));
}

TEST(BuildMetricsService, Port8181) {
  auto d = buildMetricsService(specOf(makeClusterAgent("a")));
  EXPECT_EQ(d.name(), "a-agent-metrics");
  EXPECT_EQ(d.object["spec"]["ports"][0]["port"], 8181);
  EXPECT_EQ(d.object["spec"]["selector"]["argoproj.io/clusteragent"], "a");
  expectCommonMeta(d.object, "a");
}

TEST(BuildDeployment, UserpassEnvProbesSecurity) {
  auto spec = specOf(makeClusterAgent("a", withServer("https://principal.example.com:8443"),
                                      withToken("s3cr3t-token"), withUid("u-1")));
  auto d = buildDeployment(spec, {"abc123"});
  const json& o = d.object;
  EXPECT_EQ(d.name(), "a-agent");
  EXPECT_TRUE(d.ownerReferenced);
  expectCommonMeta(o, "a");
  expectOwnedBy(o, "a", "u-1");
  EXPECT_EQ(o["spec"]["replicas"], 1);

  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_REMOTE_SERVER"), "principal.example.com");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_REMOTE_PORT"), "8443");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_MODE"), "managed");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_NAMESPACE"), "argocd");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_CREDS"), "userpass:/app/config/creds/userpass.creds");
  // No CA given: the agent loads its default CA Secret itself.
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_ROOT_CA_PATH"), "<unset>");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_INSECURE"), "false");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_LOG_LEVEL"), "info");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_LOG_FORMAT"), "text");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_METRICS_PORT"), "8181");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_HEALTH_CHECK_PORT"), "8001");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_CLIENT_CERT_PATH"), "<unset>");
  // Argo CD's own redis Service and password Secret, in argocdNamespace.
  EXPECT_EQ(envValue(o, "REDIS_ADDR"), "argocd-redis.argocd.svc:6379");
  EXPECT_EQ(envValue(o, "REDIS_PASSWORD"), "<valueFrom>");
  EXPECT_EQ(
      envByName(o).at("REDIS_PASSWORD")["valueFrom"],
      json({{"secretKeyRef", {{"name", "argocd-redis"}, {"key", "auth"}, {"optional", true}}}}));
  EXPECT_EQ(envValue(o, "ARGOCD_PRINCIPAL_LOG_FORMAT"), "<unset>");

  const json& pod = o["spec"]["template"];
  EXPECT_EQ(pod["metadata"]["annotations"]["argoproj.io/credentials-hash"], "abc123");
  EXPECT_EQ(pod["metadata"]["labels"]["argoproj.io/clusteragent"], "a");
  EXPECT_EQ(pod["spec"]["serviceAccountName"], "a-agent");
  const json& c = pod["spec"]["containers"][0];
  // Args only: the image's own entrypoint runs, whatever build of the image.
  EXPECT_FALSE(c.contains("command"));
  EXPECT_EQ(c["args"], json({"agent"}));
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["port"], "health");
  EXPECT_TRUE(c["livenessProbe"].contains("tcpSocket"));
  EXPECT_FALSE(c["livenessProbe"].contains("httpGet"));
  bool healthPort = false;
  for (const auto& p : c["ports"]) {
    if (p["name"] == "health") healthPort = p["containerPort"] == 8001;
  }
  EXPECT_TRUE(healthPort);
  const json& sc = c["securityContext"];
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["capabilities"]["drop"], json({"ALL"}));
  EXPECT_EQ(sc["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_FALSE(sc.contains("runAsUser"));
  EXPECT_FALSE(pod["spec"]["securityContext"].contains("runAsUser"));
  EXPECT_EQ(pod["spec"]["securityContext"]["runAsNonRoot"], true);

  bool credsVolume = false;
  for (const auto& v : pod["spec"]["volumes"]) {
    if (v.contains("secret") && v["secret"]["secretName"] == "a-agent-creds") credsVolume = true;
  }
  EXPECT_TRUE(credsVolume);

  // The token never reaches the pod spec, in any encoding.
  std::string dump = o.dump();
  EXPECT_THAT(dump, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(dump, Not(HasSubstr("czNjcjN0")));  // base64 prefix of "s3cr3t"
}

TEST(BuildDeployment, MtlsWithCaAndClientCert) {
  auto spec = specOf(makeClusterAgent("a", withAuthMethod("mtls"), withClientCert("client-tls"),
                                      withCaSecret("principal-ca", "bundle.pem")));
  auto o = buildDeployment(spec, {"h"}).object;
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_CREDS"), "mtls:any");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_ROOT_CA_PATH"), "/app/config/tls/ca/ca.crt");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_CLIENT_CERT_PATH"), "/app/config/tls/client/tls.crt");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_CLIENT_KEY_PATH"), "/app/config/tls/client/tls.key");
  std::map<std::string, json> vols;
  for (const auto& v : o["spec"]["template"]["spec"]["volumes"]) vols[v["name"]] = v;
  EXPECT_EQ(vols.count("creds"), 0u);
  ASSERT_EQ(vols.count("ca"), 1u);
  EXPECT_EQ(vols["ca"]["secret"]["secretName"], "principal-ca");
  EXPECT_EQ(vols["ca"]["secret"]["items"][0]["key"], "bundle.pem");
  ASSERT_EQ(vols.count("client-cert"), 1u);
  EXPECT_EQ(vols["client-cert"]["secret"]["secretName"], "client-tls");
}

TEST(BuildDeployment, HeaderAndInsecure) {
  auto spec = specOf(makeClusterAgent("a", withAuthMethod("header"),
                                      withSpecField("tls", {{"insecureSkipVerify", true}})));
  auto o = buildDeployment(spec, {"h"}).object;
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_CREDS"), "header:");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_INSECURE"), "true");
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_ROOT_CA_PATH"), "<unset>");
}

TEST(BuildDeployment, RootCAPathInsideTheImage) {
  auto spec = specOf(makeClusterAgent(
      "a", withSpecField("tls", {{"rootCAPath", "/etc/pki/tls/certs/ca-bundle.crt"}})));
  auto o = buildDeployment(spec, {"h"}).object;
  EXPECT_EQ(envValue(o, "ARGOCD_AGENT_TLS_ROOT_CA_PATH"), "/etc/pki/tls/certs/ca-bundle.crt");
  for (const auto& v : o["spec"]["template"]["spec"]["volumes"]) EXPECT_NE(v["name"], "ca");
}

// A pod reads only its own namespace's Secrets: with argocdNamespace
// elsewhere there is no default REDIS_PASSWORD, but the address follows it.
TEST(BuildDeployment, RedisDefaultsFollowArgocdNamespace) {
  auto o =
      buildDeployment(specOf(makeClusterAgent("a", withArgocdNamespace("gitops"))), {"h"}).object;
  EXPECT_EQ(envValue(o, "REDIS_ADDR"), "argocd-redis.gitops.svc:6379");
  EXPECT_EQ(envValue(o, "REDIS_PASSWORD"), "<unset>");

  json env = json::array({{{"name", "REDIS_PASSWORD"},
                           {"valueFrom", {{"secretKeyRef", {{"name", "x"}, {"key", "y"}}}}}}});
  o = buildDeployment(specOf(makeClusterAgent("a", withSpecField("env", env))), {"h"}).object;
  ASSERT_EQ(envByName(o).count("REDIS_PASSWORD"), 1u);
  EXPECT_EQ(envByName(o).at("REDIS_PASSWORD")["valueFrom"]["secretKeyRef"]["name"], "x");
}

TEST(BuildDeployment, PassthroughAndTuning) {
  json o = makeClusterAgent(
      "a", withTokenSecret("tok"), withSpecField("replicas", 0),
      withSpecField("resources", {{"limits", {{"memory", "256Mi"}}}}),
      withSpecField("nodeSelector", {{"zone", "a"}}),
      withSpecField("tolerations", json::array({{{"key", "k"}, {"operator", "Exists"}}})),
      withSpecField("affinity", {{"nodeAffinity", json::object()}}),
      withSpecField("priorityClassName", "high"), withSpecField("imagePullPolicy", "Always"),
      withSpecField("imagePullSecrets", json::array({{{"name", "pull"}}})),
      withSpecField("keepAliveInterval", "30s"), withSpecField("enableWebSocket", true),
      withSpecField("enableCompression", false), withSpecField("logFormat", "json"),
      withSpecField("redis", {{"address", "redis:6379"}, {"passwordSecretRef", {{"name", "rp"}}}}),
      withSpecField("proxy", {{"httpsProxy", "http://proxy:3128"}, {"noProxy", ".svc"}}),
      withSpecField("env", json::array({{{"name", "EXTRA"}, {"value", "1"}}})));
  auto d = buildDeployment(specOf(o), {"h"}).object;
  const json& pod = d["spec"]["template"]["spec"];
  EXPECT_EQ(d["spec"]["replicas"], 0);
  EXPECT_EQ(pod["containers"][0]["resources"]["limits"]["memory"], "256Mi");
  EXPECT_EQ(pod["containers"][0]["imagePullPolicy"], "Always");
  EXPECT_EQ(pod["nodeSelector"]["zone"], "a");
  EXPECT_EQ(pod["tolerations"][0]["key"], "k");
  EXPECT_TRUE(pod["affinity"].contains("nodeAffinity"));
  EXPECT_EQ(pod["priorityClassName"], "high");
  EXPECT_EQ(pod["imagePullSecrets"][0]["name"], "pull");
  EXPECT_EQ(envValue(d, "ARGOCD_AGENT_KEEP_ALIVE_PING_INTERVAL"), "30s");
  EXPECT_EQ(envValue(d, "ARGOCD_AGENT_ENABLE_WEBSOCKET"), "true");
  EXPECT_EQ(envValue(d, "ARGOCD_AGENT_ENABLE_COMPRESSION"), "false");
  EXPECT_EQ(envValue(d, "ARGOCD_AGENT_LOG_FORMAT"), "json");
  EXPECT_EQ(envValue(d, "REDIS_ADDR"), "redis:6379");
  EXPECT_EQ(envValue(d, "HTTPS_PROXY"), "http://proxy:3128");
  EXPECT_EQ(envValue(d, "NO_PROXY"), ".svc");
  EXPECT_EQ(envValue(d, "EXTRA"), "1");
  auto env = envByName(d);
  EXPECT_FALSE(env["REDIS_PASSWORD"].contains("value"));
  EXPECT_EQ(env["REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"], "rp");
  EXPECT_EQ(env["REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"], "auth");
}

TEST(BuildDeployment, UnsetOptionalsAreOmitted) {
  auto d = buildDeployment(specOf(makeClusterAgent("a")), {"h"}).object;
  const json& pod = d["spec"]["template"]["spec"];
  for (const char* f :
       {"nodeSelector", "tolerations", "affinity", "priorityClassName", "imagePullSecrets"}) {
    EXPECT_FALSE(pod.contains(f)) << f;
  }
  EXPECT_FALSE(pod["containers"][0].contains("resources"));
  EXPECT_EQ(envValue(d, "ARGOCD_AGENT_KEEP_ALIVE_PING_INTERVAL"), "<unset>");
  EXPECT_EQ(envValue(d, "HTTPS_PROXY"), "<unset>");
}

TEST(BuildDeployment, ProxyFromASecretIsASecretKeyRefToTheCredsSecret) {
  auto spec = specOf(makeClusterAgent("a", withSpecField("proxy", kProxyFromSecret)));
  auto d = buildDeployment(spec, {"h"}).object;
  auto env = envByName(d);
  EXPECT_EQ(env["HTTPS_PROXY"],
            json({{"name", "HTTPS_PROXY"},
                  {"valueFrom",
                   {{"secretKeyRef", {{"name", "a-agent-creds"}, {"key", "https-proxy"}}}}}}));
  EXPECT_EQ(envValue(d, "NO_PROXY"), ".svc");
  // mtls: the creds Secret is not mounted (it holds no credentials file), and
  // the proxy Secret's own name is nowhere in the pod.
  EXPECT_THAT(d.dump(), Not(HasSubstr("\"px\"")));
  for (const auto& v : d["spec"]["template"]["spec"]["volumes"]) EXPECT_NE(v["name"], "creds");
}

TEST(CredentialsHash, StableOrderIndependentAndSensitive) {
  std::string h1 = credentialsHash({{"creds", "a:b"}, {"ca", "PEM"}});
  std::string h2 = credentialsHash({{"ca", "PEM"}, {"creds", "a:b"}});
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(h1.size(), 64u);
  EXPECT_NE(h1, credentialsHash({{"creds", "a:c"}, {"ca", "PEM"}}));
  EXPECT_NE(credentialsHash({{"x", "ab"}, {"y", "c"}}), credentialsHash({{"x", "a"}, {"y", "bc"}}));
  // sha256 of the empty input
  EXPECT_EQ(credentialsHash({}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace clusteragent
