#include "bench/sample_objects.h"

#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "tests/support/test_certificates.h"

namespace bench {
namespace {

using nlohmann::json;

void defaultProbe(json& probe) {
  if (!probe.is_object()) return;
  probe.emplace("failureThreshold", 3);
  probe.emplace("periodSeconds", 10);
  probe.emplace("successThreshold", 1);
  probe.emplace("timeoutSeconds", 1);
  if (probe.contains("httpGet")) probe["httpGet"].emplace("scheme", "HTTP");
}

void defaultContainer(json& c) {
  c.emplace("imagePullPolicy", "IfNotPresent");
  c.emplace("terminationMessagePath", "/dev/termination-log");
  c.emplace("terminationMessagePolicy", "File");
  c.emplace("resources", json::object());
  if (c.contains("ports")) {
    for (auto& p : c["ports"]) p.emplace("protocol", "TCP");
  }
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    if (c.contains(probe)) defaultProbe(c[probe]);
  }
}

json managedFieldsEntry(const std::string& manager, const std::string& operation) {
  // The shape and rough size of a real entry; the content is not interpreted.
  json entry = json::parse(R"({
    "apiVersion": "apps/v1", "time": "2026-11-29T08:00:00Z", "fieldsType": "FieldsV1",
    "fieldsV1": {
      "f:metadata": {
        "f:labels": {".": {}, "f:app.kubernetes.io/managed-by": {}, "f:argoproj.io/clusteragent": {}},
        "f:ownerReferences": {".": {}, "k:{\"uid\":\"5d0c\"}": {}}},
      "f:spec": {
        "f:replicas": {}, "f:selector": {},
        "f:template": {
          "f:metadata": {"f:annotations": {"f:argoproj.io/credentials-hash": {}}},
          "f:spec": {
            "f:containers": {"k:{\"name\":\"agent\"}": {"f:env": {}, "f:image": {}, "f:args": {}}},
            "f:serviceAccountName": {}, "f:volumes": {}}}}}})");
  entry["manager"] = manager;
  entry["operation"] = operation;
  return entry;
}

}  // namespace

json sampleClusterAgent(const std::string& ns, const std::string& name) {
  return {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "ClusterAgent"},
      {"metadata",
       {{"name", name},
        {"namespace", ns},
        {"uid", "5d0c6d7e-8f10-4a1b-9c2d-3e4f5a6b7c8d"},
        {"generation", 1},
        {"labels", {{"bench.clusteragent.io/run", "1"}}}}},
      {"spec",
       {{"serverAddr", "https://127.0.0.1:1"},
        {"clusterName", name},
        {"authTokenSecretRef", {{"name", name + "-token"}}},
        {"resources",
         {{"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}}, {"limits", {{"memory", "256Mi"}}}}},
        {"env", json::array({{{"name", "BENCH"}, {"value", "1"}}})}}}};
}

json sampleTokenSecret(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name + "-token"}, {"namespace", ns}}},
          {"type", "Opaque"},
          // Not a credential: a fixed benchmark value ("bench-token-value").
          {"data", {{"token", "YmVuY2gtdG9rZW4tdmFsdWU="}}}};
}

std::vector<json> sampleAgentDefaultSecrets(const std::string& ns) {
  auto cert = testsupport::makeSelfSignedCertificate();
  return {{{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", clusteragent::kDefaultClientCertSecret}, {"namespace", ns}}},
           {"type", "kubernetes.io/tls"},
           {"stringData", {{"tls.crt", cert.certPem}, {"tls.key", cert.keyPem}}}},
          {{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", clusteragent::kDefaultCaSecret}, {"namespace", ns}}},
           {"stringData", {{"ca.crt", cert.certPem}}}},
          {{"apiVersion", "v1"},
           {"kind", "Secret"},
           {"metadata", {{"name", clusteragent::kDefaultRedisPasswordSecret}, {"namespace", ns}}},
           // Not a credential: a fixed benchmark value.
           {"stringData", {{clusteragent::kDefaultRedisPasswordKey, "bench-redis-password"}}}}};
}

json serverPopulated(const json& desired) {
  json live = desired;
  json& meta = live["metadata"];
  meta["uid"] = "0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4";
  meta["resourceVersion"] = "123456";
  meta["generation"] = 1;
  meta["creationTimestamp"] = "2026-11-29T08:00:00Z";
  meta["annotations"]["deployment.kubernetes.io/revision"] = "1";
  meta["managedFields"] = json::array({managedFieldsEntry("clusteragent-operator", "Apply"),
                                       managedFieldsEntry("kube-controller-manager", "Update")});

  json& spec = live["spec"];
  spec.emplace("progressDeadlineSeconds", 600);
  spec.emplace("revisionHistoryLimit", 10);
  spec.emplace("strategy",
               json{{"type", "RollingUpdate"},
                    {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}});
  json& pod = spec["template"]["spec"];
  pod.emplace("dnsPolicy", "ClusterFirst");
  pod.emplace("restartPolicy", "Always");
  pod.emplace("schedulerName", "default-scheduler");
  pod.emplace("securityContext", json::object());
  pod.emplace("terminationGracePeriodSeconds", 30);
  if (pod.contains("serviceAccountName")) pod.emplace("serviceAccount", pod["serviceAccountName"]);
  for (const char* list : {"containers", "initContainers"}) {
    if (!pod.contains(list)) continue;
    for (auto& c : pod[list]) defaultContainer(c);
  }
  if (pod.contains("volumes")) {
    for (auto& v : pod["volumes"]) {
      if (v.contains("secret")) v["secret"].emplace("defaultMode", 420);
    }
  }
  live["status"] = {
      {"observedGeneration", 1},
      {"replicas", 1},
      {"updatedReplicas", 1},
      {"unavailableReplicas", 1},
      {"conditions", json::array({{{"type", "Available"},
                                   {"status", "False"},
                                   {"reason", "MinimumReplicasUnavailable"},
                                   {"message", "Deployment does not have minimum availability."},
                                   {"lastUpdateTime", "2026-11-29T08:00:01Z"},
                                   {"lastTransitionTime", "2026-11-29T08:00:01Z"}},
                                  {{"type", "Progressing"},
                                   {"status", "True"},
                                   {"reason", "ReplicaSetUpdated"},
                                   {"message", "ReplicaSet \"x-agent-5d8f\" is progressing."},
                                   {"lastUpdateTime", "2026-11-29T08:00:01Z"},
                                   {"lastTransitionTime", "2026-11-29T08:00:01Z"}}})}};
  return live;
}

}  // namespace bench
