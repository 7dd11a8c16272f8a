#pragma once
// The Node this kubelet is, kept healthy in kube-controller-manager's eyes.
// Its node lifecycle controller marks a node Unknown (and taints it
// unreachable:NoExecute, which evicts pods after 300 s) when neither the
// node's Lease in kube-node-lease nor its Ready condition's heartbeat moved
// for --node-monitor-grace-period (50 s). So, like the kubelet: register the
// Node with Ready=True, renew the Lease every 10 s (leaseDurationSeconds 40),
// and refresh the Ready heartbeat every 60 s.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/clock/clock.h"
#include "controller/kube/kube_client.h"

namespace processkubelet {

struct NodeAgentOptions {
  std::string nodeName = "process-kubelet";
  std::string kubeletVersion = "v1.34.3";
  std::chrono::seconds leaseRenewInterval{10};
  std::chrono::seconds statusInterval{60};
  int leaseDurationSeconds = 40;
  // Where the API server reaches this kubelet's log server (log_server.h); 0: nowhere.
  int kubeletPort = 0;
};

// The Node object registered on start (labels, addresses, capacity, Ready);
// `since` is when its conditions last changed (this kubelet's start).
nlohmann::json buildNode(const NodeAgentOptions& opts, std::chrono::system_clock::time_point now,
                         std::chrono::system_clock::time_point since);
// The status.conditions heartbeat: every condition the kubelet reports, healthy.
nlohmann::json nodeConditions(std::chrono::system_clock::time_point now,
                              std::chrono::system_clock::time_point since);

class NodeAgent {
 public:
  NodeAgent(ctrl::kube::KubeClientPtr client, NodeAgentOptions opts, ctrl::ClockPtr clock);

  // Creates or refreshes the Node and its Lease.
  ctrl::kube::Status registerNode();
  // Call often; renews the Lease and the heartbeat when due.
  void tick();

 private:
  ctrl::kube::Status renewLease();
  ctrl::kube::Status postStatus();

  ctrl::kube::KubeClientPtr client_;
  NodeAgentOptions opts_;
  ctrl::ClockPtr clock_;
  std::string node_uid_;
  std::chrono::system_clock::time_point started_;
  std::chrono::steady_clock::time_point next_lease_{};
  std::chrono::steady_clock::time_point next_status_{};
};

}  // namespace processkubelet
