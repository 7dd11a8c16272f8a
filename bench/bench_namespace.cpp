#include "bench/bench_namespace.h"

#include <iostream>

#include "bench/bench_util.h"
#include "bench/sample_objects.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "reconcilers/clusteragent/ownership.h"
#include "tests/support/control_plane.h"

namespace bench {

using nlohmann::json;
namespace res = ctrl::kube::resources;

namespace {
std::shared_ptr<ctrl::kube::KubeClient>& benchClientSlot() {
  static std::shared_ptr<ctrl::kube::KubeClient> client;
  return client;
}
}  // namespace

std::shared_ptr<ctrl::kube::KubeClient> benchClient() {
  std::shared_ptr<ctrl::kube::KubeClient>& client = benchClientSlot();
  if (client) return client;
  const testsupport::ControlPlane& cp = testsupport::ControlPlane::instance();
  auto crd = cp.kubectl(
      {"apply", "--server-side", "-f", cp.repoRoot() + "/crds/clusteragents.argoproj.io.yaml"});
  auto established = cp.kubectl(
      {"wait", "--for=condition=Established", "--timeout=60s", "crd/clusteragents.argoproj.io"});
  if (!crd.ok() || !established.ok()) {
    loud("cannot install the ClusterAgent CRD: " + crd.output + established.output);
    return nullptr;
  }
  auto config = ctrl::kube::loadKubeconfigFile(cp.adminKubeconfig());
  if (!config.isOk()) {
    loud("admin kubeconfig: " + config.status().toString());
    return nullptr;
  }
  ctrl::kube::KubeClientOptions co;
  co.qps = 500;  // the benchmark's own setup should not be what is measured
  co.burst = 1000;
  co.userAgent = "clusteragent-bench";
  auto created = ctrl::kube::CpprestKubeClient::create(*config, co);
  if (!created.isOk()) {
    loud("client: " + created.status().toString());
    return nullptr;
  }
  client = *created;
  return client;
}

void releaseBenchClient() {
  benchClientSlot().reset();
}

std::string agentName(int i) {
  return "agent-" + std::to_string(i);
}

BenchNamespace::BenchNamespace(std::shared_ptr<ctrl::kube::KubeClient> client, int count)
    : client_(std::move(client)), count_(count), ns_("bench-" + randomSuffix()) {}

BenchNamespace::~BenchNamespace() {
  cleanUp();
}

std::string BenchNamespace::create() {
  auto start = SteadyClock::now();
  json nsObj = {
      {"apiVersion", "v1"},
      {"kind", "Namespace"},
      {"metadata",
       {{"name", ns_}, {"labels", {{"pod-security.kubernetes.io/enforce", "restricted"}}}}}};
  auto created = client_->create(res::kNamespaces, "", nsObj);
  if (!created.isOk()) return "create namespace: " + created.status().toString();
  created_ = true;
  for (const auto& secret : sampleAgentDefaultSecrets(ns_)) {
    auto s = client_->create(res::kSecrets, ns_, secret);
    if (!s.isOk()) return "create the agent's default Secrets: " + s.status().toString();
  }
  std::string error = parallelFor(count_, 4, [&](int i) -> std::string {
    const std::string name = agentName(i);
    auto s = client_->create(res::kSecrets, ns_, sampleTokenSecret(ns_, name));
    json ca = sampleClusterAgent(ns_, name);
    ca["metadata"].erase("uid");
    ca["metadata"].erase("generation");
    auto c = s.isOk() ? client_->create(clusteragent::kClusterAgents, ns_, ca) : s;
    return c.isOk() ? "" : "create " + ns_ + "/" + name + ": " + c.status().toString();
  });
  create_seconds_ = seconds(SteadyClock::now() - start);
  return error;
}

void BenchNamespace::cleanUp() {
  if (!created_) return;
  created_ = false;
  auto cas = ctrl::kube::listAll(*client_, clusteragent::kClusterAgents, ns_);
  if (cas.isOk()) {
    const json& items = (*cas)["items"];
    (void)parallelFor(static_cast<int>(items.size()), 4, [&](int i) -> std::string {
      const std::string name = items[static_cast<size_t>(i)]["metadata"]["name"];
      (void)client_->patch(clusteragent::kClusterAgents, ns_, name, ctrl::kube::PatchType::kMerge,
                           {{"metadata", {{"finalizers", nullptr}}}});
      return "";
    });
  }
  // Cluster-scoped children are not garbage-collected with the namespace:
  // the operator's finalizer deletes them, but the floor has none and a
  // failed run may not get that far. They carry the ClusterAgent's namespace.
  for (const auto* r : {&res::kClusterRoleBindings, &res::kClusterRoles}) {
    ctrl::kube::ListOptions lo;
    lo.labelSelector = "argoproj.io/clusteragent-namespace=" + ns_;
    auto list = ctrl::kube::listAll(*client_, *r, "", lo);
    if (!list.isOk()) continue;
    const json& items = (*list)["items"];
    (void)parallelFor(static_cast<int>(items.size()), 4, [&](int i) -> std::string {
      (void)client_->remove(*r, "", items[static_cast<size_t>(i)]["metadata"]["name"]);
      return "";
    });
  }
  auto s = client_->remove(res::kNamespaces, "", ns_);
  std::cerr << "bench: namespace " << ns_ << " deleted"
            << (s.isOk() ? "" : std::string(" (failed: ") + s.toString() + ")") << std::endl;
}

int BenchNamespace::countDeployments(const std::string& managedBy) {
  ctrl::kube::ListOptions lo;
  lo.labelSelector = "app.kubernetes.io/managed-by=" + managedBy;
  auto deps = ctrl::kube::listAll(*client_, res::kDeployments, ns_, lo);
  return deps.isOk() ? static_cast<int>((*deps)["items"].size()) : -1;
}

}  // namespace bench
