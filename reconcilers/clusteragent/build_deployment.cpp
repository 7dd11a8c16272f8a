#include "reconcilers/clusteragent/build_deployment.h"

#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

using json = nlohmann::json;

namespace {

json envVar(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

const char* boolText(bool b) {
  return b ? "true" : "false";
}

json agentEnv(const ClusterAgentSpec& spec) {
  json env = json::array();
  env.push_back(envVar("ARGOCD_AGENT_REMOTE_SERVER", spec.serverHost));
  env.push_back(envVar("ARGOCD_AGENT_REMOTE_PORT", std::to_string(spec.serverPort)));
  env.push_back(envVar("ARGOCD_AGENT_MODE", agentModeName(spec.mode)));
  env.push_back(envVar("ARGOCD_AGENT_NAMESPACE", spec.argocdNamespace));

  switch (spec.authMethod) {
    case AuthMethod::kUserpass:
      env.push_back(envVar("ARGOCD_AGENT_CREDS",
                           std::string("userpass:") + kCredsMountPath + "/" + kUserpassCredsKey));
      break;
    case AuthMethod::kMtls:
      env.push_back(envVar("ARGOCD_AGENT_CREDS", "mtls:any"));
      break;
    case AuthMethod::kHeader:
      env.push_back(envVar("ARGOCD_AGENT_CREDS", "header:"));
      break;
  }

  // Without a root CA path the agent loads the CA Secret argocd-agent-ca
  // itself (agent_default_secrets.h); the operator checks that Secret.
  if (!spec.insecureSkipVerify) {
    if (spec.caSecretRef) {
      env.push_back(envVar("ARGOCD_AGENT_TLS_ROOT_CA_PATH", std::string(kCaMountPath) + "/ca.crt"));
    } else if (!spec.rootCAPath.empty()) {
      env.push_back(envVar("ARGOCD_AGENT_TLS_ROOT_CA_PATH", spec.rootCAPath));
    }
  }
  if (spec.clientCertSecretName) {
    env.push_back(envVar("ARGOCD_AGENT_TLS_CLIENT_CERT_PATH",
                         std::string(kClientCertMountPath) + "/tls.crt"));
    env.push_back(
        envVar("ARGOCD_AGENT_TLS_CLIENT_KEY_PATH", std::string(kClientCertMountPath) + "/tls.key"));
  }
  env.push_back(envVar("ARGOCD_AGENT_TLS_INSECURE", boolText(spec.insecureSkipVerify)));
  env.push_back(envVar("ARGOCD_AGENT_LOG_LEVEL", spec.logLevel));
  env.push_back(envVar("ARGOCD_AGENT_LOG_FORMAT", spec.logFormat));
  env.push_back(envVar("ARGOCD_AGENT_METRICS_PORT", std::to_string(kMetricsPort)));
  env.push_back(envVar("ARGOCD_AGENT_HEALTH_CHECK_PORT", std::to_string(kHealthPort)));
  if (!spec.keepAliveInterval.empty()) {
    env.push_back(envVar("ARGOCD_AGENT_KEEP_ALIVE_PING_INTERVAL", spec.keepAliveInterval));
  }
  if (spec.enableWebSocket) {
    env.push_back(envVar("ARGOCD_AGENT_ENABLE_WEBSOCKET", boolText(*spec.enableWebSocket)));
  }
  if (spec.enableCompression) {
    env.push_back(envVar("ARGOCD_AGENT_ENABLE_COMPRESSION", boolText(*spec.enableCompression)));
  }
  env.push_back(envVar("REDIS_ADDR", spec.redis.address));
  if (spec.redis.passwordSecretRef) {
    json ref = {{"name", spec.redis.passwordSecretRef->name},
                {"key", spec.redis.passwordSecretRef->key}};
    env.push_back({{"name", "REDIS_PASSWORD"}, {"valueFrom", {{"secretKeyRef", std::move(ref)}}}});
  } else if (auto def = defaultRedisPasswordRef(spec)) {
    // Argo CD's own Secret, which the operator does not gate on: optional, so
    // the agent starts without it (the RedisPasswordMissing warning says so)
    // and the credentials hash rolls it once the Secret appears.
    json ref = {{"name", def->name}, {"key", def->key}, {"optional", true}};
    env.push_back({{"name", "REDIS_PASSWORD"}, {"valueFrom", {{"secretKeyRef", std::move(ref)}}}});
  }
  if (spec.proxy.httpsProxySecretRef) {
    // The URL may carry credentials: from the creds Secret, never the pod spec.
    json ref = {{"name", credentialsSecretName(spec.meta)}, {"key", kHttpsProxyCredsKey}};
    env.push_back({{"name", "HTTPS_PROXY"}, {"valueFrom", {{"secretKeyRef", std::move(ref)}}}});
  } else if (!spec.proxy.httpsProxy.empty()) {
    env.push_back(envVar("HTTPS_PROXY", spec.proxy.httpsProxy));
  }
  if (!spec.proxy.noProxy.empty()) env.push_back(envVar("NO_PROXY", spec.proxy.noProxy));
  for (const auto& e : spec.env) env.push_back(e);
  return env;
}

void addVolumes(const ClusterAgentSpec& spec, json* volumes, json* mounts) {
  auto add = [&](const std::string& name, json source, const std::string& path) {
    source["name"] = name;
    volumes->push_back(std::move(source));
    mounts->push_back({{"name", name}, {"mountPath", path}, {"readOnly", true}});
  };
  // The root filesystem is read-only; the agent may still need scratch space.
  // Writable is the default: an explicit `readOnly: false` is dropped by the
  // API server on create, and a created object's field set (operation
  // Update) cannot hold a dropped field, so every new Deployment looked
  // drifted and got an ownership upgrade and an apply (issue 12).
  add("tmp", {{"emptyDir", json::object()}}, "/tmp");
  (*mounts)[0].erase("readOnly");
  if (spec.needsToken()) {
    add("creds", {{"secret", {{"secretName", credentialsSecretName(spec.meta)}}}}, kCredsMountPath);
  }
  if (spec.caSecretRef && !spec.insecureSkipVerify) {
    add("ca",
        {{"secret",
          {{"secretName", spec.caSecretRef->name},
           {"items", json::array({{{"key", spec.caSecretRef->key}, {"path", "ca.crt"}}})}}}},
        kCaMountPath);
  }
  if (spec.clientCertSecretName) {
    add("client-cert",
        {{"secret",
          {{"secretName", *spec.clientCertSecretName},
           {"items", json::array({{{"key", "tls.crt"}, {"path", "tls.crt"}},
                                  {{"key", "tls.key"}, {"path", "tls.key"}}})}}}},
        kClientCertMountPath);
  }
}

json securityContext() {
  return {{"runAsNonRoot", true},
          {"allowPrivilegeEscalation", false},
          {"readOnlyRootFilesystem", true},
          {"capabilities", {{"drop", {"ALL"}}}},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

}  // namespace

DesiredObject buildDeployment(const ClusterAgentSpec& spec, const DeploymentInputs& inputs) {
  const auto& m = spec.meta;
  json volumes = json::array();
  json mounts = json::array();
  addVolumes(spec, &volumes, &mounts);

  json container = {
      {"name", "agent"},
      {"image", spec.image},
      {"args", {"agent"}},
      {"env", agentEnv(spec)},
      {"ports",
       json::array({{{"name", "metrics"}, {"containerPort", kMetricsPort}, {"protocol", "TCP"}},
                    {{"name", "health"}, {"containerPort", kHealthPort}, {"protocol", "TCP"}}})},
      // /healthz is 200 only while connected to the principal: it decides
      // readiness. Liveness must survive a principal outage, so it only checks
      // that the process still listens. Every 5 s, three misses: a lost
      // principal shows as Connected=False within about 15 s.
      {"readinessProbe",
       {{"httpGet", {{"path", "/healthz"}, {"port", "health"}}},
        {"periodSeconds", 5},
        {"failureThreshold", 3}}},
      {"livenessProbe",
       {{"tcpSocket", {{"port", "health"}}},
        {"initialDelaySeconds", 15},
        {"periodSeconds", 20},
        {"failureThreshold", 3}}},
      {"securityContext", securityContext()},
      {"volumeMounts", std::move(mounts)}};
  if (!spec.imagePullPolicy.empty()) container["imagePullPolicy"] = spec.imagePullPolicy;
  if (!spec.resources.empty()) container["resources"] = spec.resources;

  json podSpec = {{"serviceAccountName", serviceAccountName(m)},
                  {"securityContext",
                   {{"runAsNonRoot", true}, {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
                  {"containers", json::array({std::move(container)})},
                  {"volumes", std::move(volumes)}};
  if (!spec.imagePullSecrets.empty()) {
    json ips = json::array();
    for (const auto& n : spec.imagePullSecrets) ips.push_back({{"name", n}});
    podSpec["imagePullSecrets"] = std::move(ips);
  }
  if (!spec.nodeSelector.empty()) podSpec["nodeSelector"] = spec.nodeSelector;
  if (!spec.tolerations.empty()) podSpec["tolerations"] = spec.tolerations;
  if (!spec.affinity.empty()) podSpec["affinity"] = spec.affinity;
  if (!spec.priorityClassName.empty()) podSpec["priorityClassName"] = spec.priorityClassName;

  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", childMetadata(m, deploymentName(m), m.ns)},
      {"spec",
       {{"replicas", spec.replicas},
        // Two agents with one name would fight over the principal's session:
        // stop the old pod before starting the new one.
        {"strategy", {{"type", "Recreate"}}},
        {"selector", {{"matchLabels", selectorLabels(m)}}},
        {"template",
         {{"metadata", {{"labels", commonLabels(m)}}}, {"spec", std::move(podSpec)}}}}}};
  if (!inputs.credentialsHash.empty()) {
    deployment["spec"]["template"]["metadata"]["annotations"] = {
        {kCredentialsHashAnnotation, inputs.credentialsHash}};
  }
  return {ctrl::kube::resources::kDeployments, std::move(deployment), canOwnerReference(m, m.ns)};
}

}  // namespace clusteragent
