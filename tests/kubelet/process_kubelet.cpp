#include "tests/kubelet/process_kubelet.h"

#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "controller/cache/informer.h"
#include "controller/logging/logger.h"
#include "tests/kubelet/kube_object_source.h"
#include "tests/kubelet/log_server.h"
#include "tests/kubelet/node_agent.h"
#include "tests/kubelet/pod_worker.h"

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::Status;
using ctrl::kube::StatusOr;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace resources = ctrl::kube::resources;
namespace log = ctrl::logging;

namespace {

// The loop's cadence when no pod event wakes it: probes and restarts need it.
constexpr milliseconds kTick{200};
// A failed bind is retried after this (e.g. the pod vanished or was bound meanwhile).
constexpr seconds kBindRetry{5};
// What processes get when the kubelet itself is told to stop.
constexpr seconds kShutdownGrace{10};

std::string str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// "https://127.0.0.1:6443" → {"127.0.0.1", "6443"}.
std::pair<std::string, std::string> hostPort(const std::string& server) {
  std::string rest =
      server.substr(server.find("://") == std::string::npos ? 0 : server.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "443"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

bool canRun(const json& pod, const ImageMap& images) {
  const json& spec = pod.value("spec", json::object());
  if (!spec.value("initContainers", json::array()).empty()) return false;
  const json containers = spec.value("containers", json::array());
  if (containers.empty()) return false;
  for (const auto& c : containers) {
    if (!images.allows(str(c, "image"))) return false;
  }
  return true;
}

struct ProcessKubelet::Impl {
  ctrl::kube::KubeClientPtr client;
  ProcessKubeletOptions opts;
  ctrl::ClockPtr clock;
  KubeObjectSource objects;
  std::mutex mu;
  std::condition_variable wake;
  bool pending = false;
  std::map<std::string, std::unique_ptr<PodWorker>> workers;                   // by uid
  std::map<std::string, std::chrono::steady_clock::time_point> bind_attempts;  // by uid

  Impl(ctrl::kube::KubeClientPtr c, ProcessKubeletOptions o, ctrl::ClockPtr k)
      : client(std::move(c)), opts(std::move(o)), clock(std::move(k)), objects(client) {}

  void notify() {
    {
      std::lock_guard<std::mutex> lock(mu);
      pending = true;
    }
    wake.notify_one();
  }

  bool namespaceAllowed(const std::string& ns) const {
    if (opts.namespaces.empty()) return true;
    for (const auto& n : opts.namespaces) {
      if (n == ns) return true;
    }
    return false;
  }

  StatusOr<std::string> issueToken(const TokenRequestSpec& req) {
    // POST .../serviceaccounts/<sa>/token: the subresource addressed as a collection.
    const ctrl::kube::Resource tokenRequests{
        "", "v1", "serviceaccounts/" + req.serviceAccount + "/token", "TokenRequest", true};
    json spec = {
        {"expirationSeconds", req.expirationSeconds},
        {"boundObjectRef",
         {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", req.podName}, {"uid", req.podUid}}}};
    if (!req.audience.empty()) spec["audiences"] = json::array({req.audience});
    auto r = client->create(tokenRequests, req.ns,
                            {{"apiVersion", "authentication.k8s.io/v1"},
                             {"kind", "TokenRequest"},
                             {"spec", std::move(spec)}});
    if (!r.isOk()) return r.status();
    const std::string token = (*r)["status"].value("token", "");
    if (token.empty()) return Status(Code::kInternal, "TokenRequest returned no token");
    return token;
  }

  PodWorkerDeps workerDeps() {
    PodWorkerDeps d;
    d.client = client;
    d.images = &opts.images;
    d.objects = &objects;
    d.issueToken = [this](const TokenRequestSpec& r) { return issueToken(r); };
    d.clock = clock;
    d.stateDir = opts.stateDir;
    d.logDir = opts.logDir;
    if (const char* path = std::getenv("PATH")) d.imageEnv.emplace_back("PATH", path);
    const auto [host, port] = hostPort(opts.clientConfig.server);
    d.serviceEnv = kubernetesServiceEnv(host, port);
    d.clusterCaPem = opts.clientConfig.caData;
    return d;
  }

  void bind(const json& pod) {
    const std::string uid = str(pod["metadata"], "uid");
    const auto now = clock->now();
    auto it = bind_attempts.find(uid);
    if (it != bind_attempts.end() && now < it->second + kBindRetry) return;
    bind_attempts[uid] = now;
    static const ctrl::kube::Resource kBindings{"", "v1", "bindings", "Binding", true};
    const std::string ns = str(pod["metadata"], "namespace");
    const std::string name = str(pod["metadata"], "name");
    auto r = client->create(
        kBindings, ns,
        {{"apiVersion", "v1"},
         {"kind", "Binding"},
         {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}},
         {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", opts.nodeName}}}});
    if (r.isOk()) {
      log::info("pod bound", {{"pod", ns + "/" + name}, {"node", opts.nodeName}});
    } else {
      log::warn("binding pod failed", {{"pod", ns + "/" + name}, {"error", r.status().toString()}});
    }
  }

  // Stops the given workers' processes together (blocking), so N pods take one grace period.
  static void stopAll(std::vector<std::unique_ptr<PodWorker>> gone, seconds grace) {
    for (auto& w : gone) w->beginStop(grace);
    const auto deadline = std::chrono::steady_clock::now() + grace + seconds(5);
    for (auto& w : gone) {
      while (!w->stopped() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(50));
      }
    }
  }

  void syncAll(const ctrl::cache::Store& store) {
    std::set<std::string> seen;
    for (const auto& obj : store.list()) {
      const json& pod = *obj;
      const json& meta = pod["metadata"];
      const std::string uid = str(meta, "uid");
      if (!namespaceAllowed(str(meta, "namespace"))) continue;
      const std::string node = str(pod["spec"], "nodeName");
      if (node.empty()) {
        if (!meta.contains("deletionTimestamp") && canRun(pod, opts.images)) bind(pod);
        continue;
      }
      if (node != opts.nodeName) continue;
      seen.insert(uid);
      auto it = workers.find(uid);
      if (it == workers.end()) {
        // A pod that finished before this kubelet (re)started is left as it is.
        const std::string phase = str(pod.value("status", json::object()), "phase");
        if (phase == "Succeeded" || phase == "Failed") continue;
        it = workers.emplace(uid, std::make_unique<PodWorker>(workerDeps(), pod)).first;
      }
      it->second->sync(pod);
    }
    std::vector<std::unique_ptr<PodWorker>> gone;
    for (auto it = workers.begin(); it != workers.end();) {
      if (!seen.count(it->first)) {
        // Deleted without us (force delete, namespace gone): stop what runs.
        gone.push_back(std::move(it->second));
        it = workers.erase(it);
      } else if (it->second->done()) {
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
    if (!gone.empty()) stopAll(std::move(gone), seconds(2));
    for (auto it = bind_attempts.begin(); it != bind_attempts.end();) {
      it = clock->now() > it->second + 2 * kBindRetry ? bind_attempts.erase(it) : std::next(it);
    }
  }
};

ProcessKubelet::ProcessKubelet(ctrl::kube::KubeClientPtr client, ProcessKubeletOptions opts,
                               ctrl::ClockPtr clock)
    : impl_(std::make_unique<Impl>(std::move(client), std::move(opts), std::move(clock))) {}

ProcessKubelet::~ProcessKubelet() = default;

Status ProcessKubelet::run(const ctrl::StopSignal& stop) {
  // `kubectl logs` (pods/log) for the containers run here. Without it the
  // node still runs pods; only their logs are not served.
  LogServer logs(impl_->opts.logDir);
  if (auto s = logs.start(); !s.isOk()) {
    log::warn("not serving container logs", {{"error", s.toString()}});
  }
  NodeAgentOptions nodeOpts;
  nodeOpts.nodeName = impl_->opts.nodeName;
  nodeOpts.kubeletPort = logs.port();
  NodeAgent node(impl_->client, nodeOpts, impl_->clock);
  while (true) {
    auto s = node.registerNode();
    if (s.isOk()) break;
    log::warn("registering the node failed, retrying", {{"error", s.toString()}});
    if (stop.waitFor(seconds(2))) return Status::ok();
  }

  ctrl::cache::InformerOptions io;
  io.resource = resources::kPods;
  io.namespaces = impl_->opts.namespaces;
  io.resyncPeriod = milliseconds(0);
  ctrl::cache::Informer pods(impl_->client, io, impl_->clock);
  auto wake = [this](const json&) { impl_->notify(); };
  pods.addEventHandlers({wake, [this](const json&, const json&) { impl_->notify(); }, wake});
  pods.start();
  while (!pods.waitForSync(seconds(1))) {
    if (stop.stopRequested()) {
      pods.stop();
      return Status::ok();
    }
  }
  log::info("process-kubelet running", {{"node", impl_->opts.nodeName}});

  while (!stop.stopRequested()) {
    node.tick();
    impl_->syncAll(pods.store());
    std::unique_lock<std::mutex> lock(impl_->mu);
    impl_->wake.wait_for(lock, kTick, [this] { return impl_->pending; });
    impl_->pending = false;
  }

  log::info("process-kubelet stopping its pods", {{"pods", impl_->workers.size()}});
  std::vector<std::unique_ptr<PodWorker>> all;
  for (auto& [uid, worker] : impl_->workers) all.push_back(std::move(worker));
  impl_->workers.clear();
  Impl::stopAll(std::move(all), kShutdownGrace);
  pods.stop();
  return Status::ok();
}

}  // namespace processkubelet
