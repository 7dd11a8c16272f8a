#include "bench/floor_subject.h"

#include <iostream>
#include <mutex>
#include <thread>

#include "bench/bench_util.h"
#include "bench/convergence_watch.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/render_objects.h"
#include "reconcilers/clusteragent/spec.h"
#include "tests/support/control_plane.h"
#include "tests/support/prometheus_text.h"

namespace bench {

using nlohmann::json;

namespace {

// The floor's own client, counting its requests by verb as the operator's
// counter does.
class CountingClient {
 public:
  std::string create() {
    const auto& cp = testsupport::ControlPlane::instance();
    auto config = ctrl::kube::loadKubeconfigFile(cp.adminKubeconfig());
    if (!config.isOk()) return "admin kubeconfig: " + config.status().toString();
    ctrl::kube::KubeClientOptions co;
    co.qps = 0;  // <= 0: no client-side limit
    co.userAgent = "clusteragent-bench-floor";
    co.onRequest = [this](const std::string& verb, int) {
      std::lock_guard<std::mutex> lock(mu_);
      byVerb_[verb] += 1;
    };
    auto c = ctrl::kube::CpprestKubeClient::create(*config, co);
    if (!c.isOk()) return "client: " + c.status().toString();
    client_ = *c;
    return "";
  }
  ctrl::kube::KubeClient& client() { return *client_; }
  std::map<std::string, double> byVerb() {
    std::lock_guard<std::mutex> lock(mu_);
    return byVerb_;
  }

 private:
  std::shared_ptr<ctrl::kube::KubeClient> client_;
  std::mutex mu_;
  std::map<std::string, double> byVerb_;
};

// Everything convergence needs for one ClusterAgent, as the operator orders it.
std::string convergeOne(ctrl::kube::KubeClient& kube, const std::string& ns, const json& ca,
                        bool applies) {
  const std::string name = ca["metadata"]["name"];
  auto fin = kube.patch(clusteragent::kClusterAgents, ns, name, ctrl::kube::PatchType::kMerge,
                        {{"metadata", {{"finalizers", {clusteragent::kFinalizer}}}}});
  if (!fin.isOk()) return "finalizer on " + name + ": " + fin.status().toString();
  auto parsed = clusteragent::parseClusterAgent(ca);
  if (!parsed.ok()) return "parse " + name + ": " + parsed.errorSummary();
  for (const auto& r : clusteragent::renderObjects(parsed.spec)) {
    ctrl::kube::StatusOr<json> c = json();
    if (applies) {
      json body = r.desired.object;
      body["apiVersion"] = r.desired.resource.apiVersion();
      body["kind"] = r.desired.resource.kind;
      ctrl::kube::PatchOptions po;
      po.fieldManager = "clusteragent-operator";
      po.force = true;
      c = kube.patch(r.desired.resource, r.desired.ns(), r.desired.name(),
                     ctrl::kube::PatchType::kApply, body, po);
    } else {
      c = kube.create(r.desired.resource, r.desired.ns(), r.desired.object,
                      "clusteragent-operator");
    }
    if (!c.isOk() && c.status().code() != ctrl::kube::Code::kAlreadyExists) {
      return "create " + r.desired.resource.kind + " " + r.desired.name() + ": " +
             c.status().toString();
    }
  }
  ctrl::kube::PatchOptions po;
  po.subresource = "status";
  json status = {{"status", {{"observedGeneration", ca["metadata"]["generation"]}}}};
  auto st =
      kube.patch(clusteragent::kClusterAgents, ns, name, ctrl::kube::PatchType::kMerge, status, po);
  return st.isOk() ? "" : "status of " + name + ": " + st.status().toString();
}

}  // namespace

void runFloor(BenchNamespace& ns, const RunOptions& options, SubjectFigures& f) {
  const int n = ns.count();
  CountingClient floor;
  std::string error = floor.create();
  if (!error.empty()) {
    f.fail(error);
    return;
  }
  ConvergenceWatch watch(ns.clientPtr(), ns.name());
  auto t0 = SteadyClock::now();
  watch.start(t0);
  auto cas = ctrl::kube::listAll(floor.client(), clusteragent::kClusterAgents, ns.name());
  if (!cas.isOk()) {
    f.fail("list ClusterAgents: " + cas.status().toString());
    return;
  }
  const json& items = (*cas)["items"];
  error = parallelFor(static_cast<int>(items.size()), options.floorThreads, [&](int i) {
    return convergeOne(floor.client(), ns.name(), items[static_cast<size_t>(i)],
                       options.floorApplies);
  });
  double writesDone = seconds(SteadyClock::now() - t0);
  if (!error.empty()) {
    f.fail(error);
    return;
  }
  auto bound = std::chrono::seconds(60 + n);
  int deployments = 0;
  while (true) {
    if (watch.converged() >= n) {
      deployments = ns.countDeployments("clusteragent-operator");
      if (deployments == n) break;
    }
    if (SteadyClock::now() - t0 > bound) {
      f.fail("floor: " + std::to_string(watch.converged()) + "/" + std::to_string(n) +
             " observed, " + std::to_string(deployments) + " Deployments after " +
             std::to_string(bound.count()) + " s");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double took = seconds(SteadyClock::now() - t0);
  watch.stop();
  auto byVerb = floor.byVerb();
  double requests = testsupport::total(byVerb);
  auto lat = watch.latencies();
  f.set("converge_s", took);
  f.set("floor_writes_done_s", writesDone);
  f.set("ca_p50_s", quantile(lat, 0.5));
  f.set("ca_p99_s", quantile(lat, 0.99));
  f.set("conv_requests_per_ca", requests / n);
  f.set("conv_writes_per_ca", writesOf(byVerb) / n);
  f.set("conv_request_rate", requests / took);
  f.requestsByVerb["convergence"] = byVerb;
  f.addNote(std::to_string(options.floorThreads) + " client threads, no client-side limit" +
            (options.floorApplies ? ", children by server-side apply" : ""));
}

}  // namespace bench
