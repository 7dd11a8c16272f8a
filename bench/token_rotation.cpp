#include "bench/token_rotation.h"

#include <algorithm>
#include <map>
#include <thread>

#include "bench/bench_util.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace bench {
namespace {

using nlohmann::json;
namespace res = ctrl::kube::resources;

struct DeploymentState {
  json generation;
  json templateAnnotations;
  std::string credentialsHash;
};

// ClusterAgent name -> its Deployment's state.
std::map<std::string, DeploymentState> deployments(BenchNamespace& ns,
                                                   const std::string& managedBy) {
  std::map<std::string, DeploymentState> out;
  ctrl::kube::ListOptions lo;
  lo.labelSelector = "app.kubernetes.io/managed-by=" + managedBy;
  auto list = ctrl::kube::listAll(ns.client(), res::kDeployments, ns.name(), lo);
  if (!list.isOk()) return out;
  for (const auto& d : (*list)["items"]) {
    std::string owner = d.value("/metadata/name"_json_pointer, "");
    for (const auto& ref : d.value("/metadata/ownerReferences"_json_pointer, json::array())) {
      if (ref.value("kind", "") == "ClusterAgent") owner = ref.value("name", owner);
    }
    DeploymentState s;
    s.generation = d.value("/metadata/generation"_json_pointer, json());
    s.templateAnnotations =
        d.value("/spec/template/metadata/annotations"_json_pointer, json::object());
    s.credentialsHash = s.templateAnnotations.value(clusteragent::kCredentialsHashAnnotation, "");
    out[owner] = s;
  }
  return out;
}

}  // namespace

RotationResult rotateTokens(BenchNamespace& ns, const std::string& managedBy) {
  RotationResult r;
  auto before = deployments(ns, managedBy);
  if (static_cast<int>(before.size()) != ns.count()) {
    r.error = "expected " + std::to_string(ns.count()) + " Deployments before rotation, found " +
              std::to_string(before.size());
    return r;
  }
  std::vector<std::string> affected;
  for (int i = 0; i < ns.count(); i += 10) affected.push_back(agentName(i));
  r.affected = static_cast<int>(affected.size());
  r.others = ns.count() - r.affected;
  const std::string token = "rotated-" + randomSuffix();
  auto start = SteadyClock::now();
  r.error = parallelFor(r.affected, 4, [&](int i) -> std::string {
    const std::string name = affected[static_cast<size_t>(i)] + "-token";
    auto p = ns.client().patch(res::kSecrets, ns.name(), name, ctrl::kube::PatchType::kMerge,
                               {{"stringData", {{"token", token}}}});
    return p.isOk() ? "" : "update Secret " + name + ": " + p.status().toString();
  });
  if (!r.error.empty()) return r;
  auto bound = std::chrono::seconds(60 + ns.count() / 5);
  std::map<std::string, DeploymentState> now;
  while (true) {
    now = deployments(ns, managedBy);
    r.rolled = 0;
    r.hashChanged = 0;
    for (const auto& name : affected) {
      auto it = now.find(name);
      if (it == now.end()) continue;
      if (it->second.generation != before[name].generation) ++r.rolled;
      if (it->second.credentialsHash != before[name].credentialsHash) ++r.hashChanged;
    }
    if (r.rolled == r.affected) break;
    if (SteadyClock::now() - start > bound) {
      r.error = std::to_string(r.rolled) + "/" + std::to_string(r.affected) +
                " affected Deployments rolled within " + std::to_string(bound.count()) + " s";
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  r.seconds = seconds(SteadyClock::now() - start);
  // Late writes to the others would show after a moment, not at once.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  now = deployments(ns, managedBy);
  r.othersUntouched = 0;
  for (const auto& [name, was] : before) {
    if (std::find(affected.begin(), affected.end(), name) != affected.end()) continue;
    auto it = now.find(name);
    if (it != now.end() && it->second.generation == was.generation &&
        it->second.templateAnnotations == was.templateAnnotations) {
      ++r.othersUntouched;
    }
  }
  return r;
}

}  // namespace bench
