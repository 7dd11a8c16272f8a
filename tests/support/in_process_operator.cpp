#include "tests/support/in_process_operator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace testsupport {

using nlohmann::json;

namespace {

constexpr const char* kOperatorClusterRole = "clusteragent-operator";

bool run(const std::vector<std::string>& args, const std::string& input = "") {
  auto r = ControlPlane::instance().kubectl(args, input);
  if (!r.ok()) {
    std::string command = "kubectl";
    for (const auto& a : args) command += " " + a;
    ADD_FAILURE() << command << ": " << r.output;
  }
  return r.ok();
}

}  // namespace

std::string operatorUserKubeconfig(const std::string& user) {
  const ControlPlane& cp = ControlPlane::instance();
  // Server-side, forced: another test may have patched the CRD (and restores it the same way).
  if (!run({"apply", "--server-side", "--force-conflicts", "-f",
            cp.repoRoot() + "/crds/clusteragents.argoproj.io.yaml"}) ||
      !run({"wait", "--for=condition=Established", "--timeout=60s",
            "crd/clusteragents.argoproj.io"}) ||
      !run({"apply", "--server-side", "--force-conflicts", "-f",
            cp.repoRoot() + "/manifests/base/cluster_role.yaml"})) {
    return "";
  }
  json binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", user}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "ClusterRole"},
        {"name", kOperatorClusterRole}}},
      {"subjects",
       json::array(
           {{{"kind", "User"}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", user}}})}};
  if (!run({"apply", "--server-side", "--force-conflicts", "-f", "-"}, binding.dump())) return "";
  return cp.mintUserKubeconfig(user, {});
}

InProcessOperator::InProcessOperator(Options options) {
  const std::string kubeconfig = operatorUserKubeconfig(options.user);
  if (kubeconfig.empty()) return;
  auto config = ctrl::kube::loadKubeconfigFile(kubeconfig);
  if (!config.isOk()) {
    ADD_FAILURE() << config.status().toString();
    return;
  }
  ctrl::kube::KubeClientOptions co;
  co.onRequest = [this](const std::string& verb, int) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[verb];
  };
  auto client = ctrl::kube::CpprestKubeClient::create(*config, co);
  if (!client.isOk()) {
    ADD_FAILURE() << client.status().toString();
    return;
  }
  if (options.recordEvents) {
    auto eventClient = ctrl::kube::CpprestKubeClient::create(*config);
    if (!eventClient.isOk()) {
      ADD_FAILURE() << eventClient.status().toString();
      return;
    }
    recorder_ = std::make_unique<ctrl::manager::KubeEventRecorder>(*eventClient);
  }
  clusteragent::OperatorOptions oo = std::move(options.operatorOptions);
  auto onReconcile = std::move(oo.onReconcile);
  oo.onReconcile = [this, onReconcile](const ctrl::queue::ReconcileObservation& o) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++reconciles_[o.key];
    }
    if (onReconcile) onReconcile(o);
  };
  op_ = std::make_unique<clusteragent::ClusterAgentOperator>(*client, recorder_.get(), oo);
  started_ = op_->start(std::chrono::seconds(60));
  EXPECT_TRUE(started_) << "caches did not sync";
}

InProcessOperator::~InProcessOperator() {
  if (op_) op_->stop();
}

uint64_t InProcessOperator::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& [verb, count] : requests_) {
    if (verb == "POST" || verb == "PUT" || verb == "PATCH" || verb == "DELETE") n += count;
  }
  return n;
}

uint64_t InProcessOperator::reconciles(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = reconciles_.find(key);
  return it == reconciles_.end() ? 0 : it->second;
}

uint64_t InProcessOperator::writesOfForcedReconcile(const std::string& key) {
  const uint64_t before = writes();
  const uint64_t reconciled = reconciles(key);
  op_->controller().enqueue(key);
  EXPECT_TRUE(eventually([&] { return reconciles(key) > reconciled; }, std::chrono::seconds(60),
                         std::chrono::milliseconds(50)))
      << "no reconcile of " << key;
  return writes() - before;
}

}  // namespace testsupport
