#include "tests/kubelet/node_agent.h"

#include <cstdio>
#include <ctime>

#include "controller/conditions/conditions.h"
#include "controller/logging/logger.h"

namespace processkubelet {

using ctrl::kube::Status;
using nlohmann::json;
namespace resources = ctrl::kube::resources;
namespace log = ctrl::logging;

namespace {

const char kLeaseNamespace[] = "kube-node-lease";

// metav1.MicroTime: RFC 3339 with microseconds.
std::string microTime(std::chrono::system_clock::time_point t) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace

json nodeConditions(std::chrono::system_clock::time_point now,
                    std::chrono::system_clock::time_point since) {
  const std::string t = ctrl::conditions::formatTime(now);
  const std::string changed = ctrl::conditions::formatTime(since);
  auto cond = [&](const char* type, const char* status, const char* reason, const char* message) {
    return json{{"type", type},       {"status", status},       {"reason", reason},
                {"message", message}, {"lastHeartbeatTime", t}, {"lastTransitionTime", changed}};
  };
  return json::array(
      {cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available"),
       cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
       cond("PIDPressure", "False", "KubeletHasSufficientPID",
            "kubelet has sufficient PID available"),
       cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")});
}

json buildNode(const NodeAgentOptions& opts, std::chrono::system_clock::time_point now,
               std::chrono::system_clock::time_point since) {
  const json resources = {
      {"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}, {"ephemeral-storage", "20Gi"}};
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", opts.nodeName},
            {"labels",
             {{"kubernetes.io/hostname", opts.nodeName},
              {"kubernetes.io/os", "linux"},
              {"kubernetes.io/arch", "amd64"},
              {"clusteragent.io/process-kubelet", "true"}}}}},
          {"spec", json::object()},
          {"status",
           {{"conditions", nodeConditions(now, since)},
            // Only the address the API server can reach: it tries Hostname
            // first (--kubelet-preferred-address-types), and the node name
            // resolves nowhere.
            {"addresses", json::array({{{"type", "InternalIP"}, {"address", "127.0.0.1"}}})},
            {"capacity", resources},
            {"allocatable", resources},
            {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", opts.kubeletPort}}}}},
            {"nodeInfo",
             {{"kubeletVersion", opts.kubeletVersion},
              {"kubeProxyVersion", ""},
              {"operatingSystem", "linux"},
              {"architecture", "amd64"},
              {"containerRuntimeVersion", "process-kubelet://0"},
              {"osImage", "process-kubelet"},
              {"kernelVersion", ""},
              {"machineID", ""},
              {"systemUUID", ""},
              {"bootID", ""}}}}}};
}

NodeAgent::NodeAgent(ctrl::kube::KubeClientPtr client, NodeAgentOptions opts, ctrl::ClockPtr clock)
    : client_(std::move(client)),
      opts_(std::move(opts)),
      clock_(std::move(clock)),
      started_(clock_->wallNow()) {}

Status NodeAgent::registerNode() {
  static const ctrl::kube::Resource kNodes{"", "v1", "nodes", "Node", false};
  auto created = client_->create(kNodes, "", buildNode(opts_, clock_->wallNow(), started_));
  if (created.isOk()) {
    node_uid_ = (*created)["metadata"].value("uid", "");
    log::info("node registered", {{"node", opts_.nodeName}});
  } else if (ctrl::kube::isAlreadyExists(created.status())) {
    auto existing = client_->get(kNodes, "", opts_.nodeName);
    if (!existing.isOk()) return existing.status();
    node_uid_ = (*existing)["metadata"].value("uid", "");
    log::info("node already registered, taking it over", {{"node", opts_.nodeName}});
  } else {
    return created.status();
  }
  // Status may have been dropped on create (or be stale on an old Node): post it now.
  if (auto s = postStatus(); !s.isOk()) return s;
  return renewLease();
}

void NodeAgent::tick() {
  const auto now = clock_->now();
  if (now >= next_lease_) {
    if (auto s = renewLease(); !s.isOk()) {
      log::warn("node lease renewal failed", {{"node", opts_.nodeName}, {"error", s.toString()}});
    }
  }
  if (now >= next_status_) {
    if (auto s = postStatus(); !s.isOk()) {
      log::warn("node status update failed", {{"node", opts_.nodeName}, {"error", s.toString()}});
    }
  }
}

Status NodeAgent::postStatus() {
  static const ctrl::kube::Resource kNodes{"", "v1", "nodes", "Node", false};
  json body = buildNode(opts_, clock_->wallNow(), started_);
  auto r = client_->patch(kNodes, "", opts_.nodeName, ctrl::kube::PatchType::kMerge,
                          {{"status", body["status"]}}, {"", false, "status"});
  if (!r.isOk()) return r.status();
  next_status_ = clock_->now() + opts_.statusInterval;
  return Status::ok();
}

Status NodeAgent::renewLease() {
  const std::string now = microTime(clock_->wallNow());
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata",
                 {{"name", opts_.nodeName},
                  {"namespace", kLeaseNamespace},
                  {"ownerReferences", json::array({{{"apiVersion", "v1"},
                                                    {"kind", "Node"},
                                                    {"name", opts_.nodeName},
                                                    {"uid", node_uid_}}})}}},
                {"spec",
                 {{"holderIdentity", opts_.nodeName},
                  {"leaseDurationSeconds", opts_.leaseDurationSeconds},
                  {"renewTime", now}}}};
  auto r = client_->patch(resources::kLeases, kLeaseNamespace, opts_.nodeName,
                          ctrl::kube::PatchType::kMerge, {{"spec", lease["spec"]}});
  if (!r.isOk() && ctrl::kube::isNotFound(r.status())) {
    r = client_->create(resources::kLeases, kLeaseNamespace, lease);
  }
  if (!r.isOk()) return r.status();
  next_lease_ = clock_->now() + opts_.leaseRenewInterval;
  return Status::ok();
}

}  // namespace processkubelet
